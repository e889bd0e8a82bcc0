import { type TSchema, Type } from "typebox";
import { canonicalJson } from "../../domain/canonical.ts";
import { isIsoDate } from "../../domain/dates.ts";
import type { ParameterValue } from "../../domain/parameters.ts";
import type { ModifiableParameter } from "../../services/license.service.ts";
import { type FormErrors, type FormValues, parseForm } from "./forms.ts";

/** A UTC day, or nothing. */
const DAY_OR_EMPTY = "^(\\d{4}-\\d{2}-\\d{2})?$";

/** The filters of the license list, as its GET form sends them. */
export const LicenseFilters = Type.Object({
  /** Product code. */
  product: Type.Optional(
    Type.String({ pattern: "^(\\d{1,9})?$", errorMessage: "Choose a product from the list." }),
  ),
  /** What the license allows today. */
  state: Type.Optional(
    Type.Union([Type.Literal(""), Type.Literal("active"), Type.Literal("expired"), Type.Literal("revoked")], {
      errorMessage: "Choose active, expired or revoked.",
    }),
  ),
  /** The category the licenses were created through. */
  category: Type.Optional(Type.String({ maxLength: 100 })),
  /** The order's id. */
  order: Type.Optional(Type.String({ maxLength: 100 })),
  /** Part of the customer's name, email or company. */
  customer: Type.Optional(Type.String({ maxLength: 200 })),
  /** Created on or after this day (UTC). */
  createdFrom: Type.Optional(
    Type.String({ pattern: DAY_OR_EMPTY, errorMessage: "Enter a day as YYYY-MM-DD." }),
  ),
  /** Created on or before this day (UTC). */
  createdTo: Type.Optional(
    Type.String({ pattern: DAY_OR_EMPTY, errorMessage: "Enter a day as YYYY-MM-DD." }),
  ),
  /** The last license of the previous page. */
  cursor: Type.Optional(Type.String({ maxLength: 100 })),
});

/** Parses the list filters; a day must be a real calendar day. */
export function parseFilters(query: unknown) {
  const form = parseForm(LicenseFilters, query);
  if (!form.ok) return form;
  const errors: FormErrors = { fields: {}, form: [] };
  for (const key of ["createdFrom", "createdTo"] as const) {
    const d = form.value[key];
    if (d && !isIsoDate(d)) errors.fields[key] = `${d} is not a day of the calendar.`;
  }
  return Object.keys(errors.fields).length ? { ok: false as const, errors, values: form.values } : form;
}

/** The parameters a person can change in the modify form: the others are shown read-only. */
export function editable(params: ModifiableParameter[]): ModifiableParameter[] {
  return params.filter((p) => p.mode === "free" || p.mode === "flexible");
}

/** The modify form of a license: one field per changeable parameter (features: a list of choices). */
export function modifyForm(params: ModifiableParameter[]): TSchema {
  const properties: Record<string, TSchema> = {};
  for (const p of editable(params))
    properties[p.definition.key] =
      p.input === "features"
        ? Type.Optional(
            Type.Union([Type.String({ maxLength: 200 }), Type.Array(Type.String({ maxLength: 200 }))]),
          )
        : Type.Optional(Type.String({ maxLength: 2000 }));
  // The version the form was shown at (not a parameter key: those start with a letter).
  properties[VERSION_FIELD] = Type.Optional(Type.String({ pattern: "^[1-9][0-9]{0,8}$" }));
  return Type.Object(properties);
}

/** The modify form's hidden field: the license version the form shows. */
export const VERSION_FIELD = "_version";

export type ModifyResult =
  | { ok: true; changes: Record<string, ParameterValue | null>; values: FormValues; version?: number }
  | { ok: false; errors: FormErrors; values: FormValues };

const unchanged = (p: ModifiableParameter, v: ParameterValue | null) =>
  canonicalJson(v) === canonicalJson(p.requested) || canonicalJson(v) === canonicalJson(p.value);

/**
 * Reads the modify form into typed values, and keeps only those that differ from the license's
 * current ones: a value left as it was is not sent again (its bounds may have changed since).
 * The service checks every changed value against the product's and the category's rules.
 */
export function readModifyForm(params: ModifiableParameter[], body: unknown): ModifyResult {
  const form = parseForm(modifyForm(params), body);
  if (!form.ok) {
    // The version is a hidden field: its error is said at the top of the form.
    if (form.errors.fields[VERSION_FIELD]) {
      delete form.errors.fields[VERSION_FIELD];
      form.errors.form.push(
        "This form is not one the page made (its version is unreadable). Reload the page and try again.",
      );
    }
    return form;
  }
  const raw = form.value as Record<string, string | string[] | undefined>;
  const errors: FormErrors = { fields: {}, form: [] };
  const changes: Record<string, ParameterValue | null> = {};
  for (const p of editable(params)) {
    const key = p.definition.key;
    const given = raw[key];
    let value: ParameterValue | null;
    if (p.input === "features") {
      const chosen = given === undefined ? [] : Array.isArray(given) ? given : [given];
      const offered = p.options.map((o) => String(o.value));
      const outside = chosen.filter((f) => !offered.includes(f));
      if (outside.length) {
        errors.fields[key] = `Choose among the features offered: ${offered.join(", ")}.`;
        continue;
      }
      value = offered.filter((f) => chosen.includes(f));
    } else {
      const text = typeof given === "string" ? given.trim() : "";
      if (p.input === "select" || p.input === "boolean") {
        const option = p.options.find((o) => String(o.value) === text);
        if (!option) {
          errors.fields[key] = "Choose one of the values offered.";
          continue;
        }
        value = option.value;
      } else if (text === "") {
        if (p.mode === "free" && p.input === "date") value = null;
        else {
          errors.fields[key] = "Fill in this field.";
          continue;
        }
      } else if (p.input === "number") {
        const n = Number(text);
        if (!Number.isFinite(n)) {
          errors.fields[key] = "Enter a number, such as 5.";
          continue;
        }
        value = n;
      } else value = text;
    }
    if (!unchanged(p, value)) changes[key] = value;
  }
  if (Object.keys(errors.fields).length) return { ok: false, errors, values: form.values };
  const version = raw[VERSION_FIELD];
  return {
    ok: true,
    changes,
    values: form.values,
    ...(typeof version === "string" ? { version: Number(version) } : {}),
  };
}
