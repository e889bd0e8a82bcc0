import { Type } from "typebox";
import {
  ALLOWED_INPUTS,
  type CategoryProductConfig,
  type FlexibleRule,
  type InputKind,
  inputOf,
} from "../../domain/category-rules.ts";
import type { ParameterDefinition, ParameterType, ParameterValue } from "../../domain/parameters.ts";
import type { SubscriptionConfig } from "../../domain/subscriptions.ts";
import type { FormErrors, FormValues } from "./forms.ts";

/* The catalog's forms: the fixed fields as TypeBox schemas (parseForm), and the parts whose
 * fields depend on the product (parameter rows, per-parameter configuration) read by the
 * functions below. They only turn text into the shapes the services take; the services check
 * every rule. */

/** A category's name (create and rename). */
export const CategoryNameForm = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200, description: "Unique, compared case-insensitively" }),
});

/**
 * The highest product code: the REST API's limit (products.schema.ts), which the database's
 * integer column holds on both dialects. A larger number is no product, and must not reach a query.
 */
export const MAX_PRODUCT_CODE = 2147483647;

/** A product code as text, within 1..MAX_PRODUCT_CODE; null for anything else. */
export function productCodeOf(text: string | undefined): number | null {
  const code = text && /^[0-9]{1,10}$/.test(text) ? Number(text) : 0;
  return code >= 1 && code <= MAX_PRODUCT_CODE ? code : null;
}

/** The product to add to a category (its code is checked against MAX_PRODUCT_CODE after). */
export const AddProductForm = Type.Object({
  code: Type.String({ pattern: "^[0-9]{1,10}$", errorMessage: "Choose a product." }),
});

/**
 * The product list's filters and page, as its GET form and its links send them. A key sent
 * twice, a status that is not offered or a cursor that is not a product code is refused (400).
 */
export const ProductListQuery = Type.Object({
  search: Type.Optional(Type.String({ maxLength: 200 })),
  status: Type.Optional(
    Type.Union([Type.Literal(""), Type.Literal("active"), Type.Literal("archived")], {
      errorMessage: "Choose active or archived.",
    }),
  ),
  /** The code of the last product of the previous page. */
  cursor: Type.Optional(
    Type.String({ pattern: "^[0-9]{0,10}$", errorMessage: "Start again from the first page." }),
  ),
});

/** The fixed fields of the product form; parameter rows are read by `parseParameterRows`. */
export const ProductForm = Type.Object({
  /** Only when creating: codes never change. */
  code: Type.Optional(
    Type.String({ pattern: "^[0-9]{1,10}$", errorMessage: "Enter a whole number, e.g. 1001." }),
  ),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 5000 })),
  /** A duration (ISO or words); empty for license files that never expire. */
  fileValidity: Type.Optional(Type.String({ maxLength: 40 })),
  /** How many parameter rows the form showed. */
  rows: Type.Optional(Type.String({ pattern: "^[0-9]{1,3}$" })),
});

/** The data field form; `key`, `type` and `unique` only when creating. */
export const DataFieldForm = Type.Object({
  key: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  label: Type.String({ minLength: 1, maxLength: 200 }),
  type: Type.Optional(
    Type.Union([Type.Literal("text"), Type.Literal("number"), Type.Literal("select"), Type.Literal("date")], {
      errorMessage: "Choose text, number, select or date.",
    }),
  ),
  required: Type.Optional(Type.Literal("yes")),
  unique: Type.Optional(Type.Literal("yes")),
  maxLength: Type.Optional(Type.String({ maxLength: 12 })),
  pattern: Type.Optional(Type.String({ maxLength: 500 })),
  min: Type.Optional(Type.String({ maxLength: 40 })),
  max: Type.Optional(Type.String({ maxLength: 40 })),
  options: Type.Optional(Type.String({ maxLength: 5000 })),
  position: Type.Optional(Type.String({ maxLength: 12 })),
});

/** The most parameter rows a product form shows (the API allows 100 parameters). */
export const MAX_ROWS = 100;

/** The parameter types, as the product form offers them. */
export const PARAMETER_TYPES: ParameterType[] = ["text", "number", "boolean", "date", "select", "features"];

/* Text ⇄ values. */

const ISO_DURATION = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/;
const WORDS = /^(\d+)\s*(years?|y|months?|mo|weeks?|w|days?|d)$/;

/**
 * A duration as a person types it — `P30D`, `p1y`, `30 days`, `1 year 6 months`, `2 weeks` — as
 * an ISO-8601 duration; null when the text is no duration.
 */
export function durationFromText(text: string): string | null {
  const t = text.trim();
  if (ISO_DURATION.test(t.toUpperCase())) return t.toUpperCase();
  const parts = t
    .toLowerCase()
    .split(/\s*(?:,|\band\b|\s(?=\d))\s*/)
    .filter(Boolean);
  if (!parts.length) return null;
  const sum = { Y: 0, M: 0, W: 0, D: 0 };
  for (const part of parts) {
    const m = WORDS.exec(part);
    if (!m) return null;
    const unit = m[2]!;
    const key = unit.startsWith("y") ? "Y" : unit.startsWith("mo") ? "M" : unit.startsWith("w") ? "W" : "D";
    sum[key] += Number(m[1]);
  }
  const iso = `P${(["Y", "M", "W", "D"] as const)
    .filter((k) => sum[k] > 0)
    .map((k) => `${sum[k]}${k}`)
    .join("")}`;
  return iso === "P" ? "P0D" : iso;
}

/** `P1Y6M` → `1 year 6 months`, `P30D` → `30 days`; anything else unchanged. */
export function describeDuration(iso: string): string {
  const m = ISO_DURATION.exec(iso);
  if (!m) return iso;
  const names = ["year", "month", "week", "day"];
  const words = [m[1], m[2], m[3], m[4]]
    .map((n, i) => (n === undefined ? null : `${n} ${names[i]}${n === "1" ? "" : "s"}`))
    .filter(Boolean);
  return words.join(" ");
}

/** Whether a text is an ISO duration. */
export function isIsoDuration(text: string): boolean {
  return ISO_DURATION.test(text);
}

/** "a, b, c" (commas or line breaks) → ["a", "b", "c"]. */
export function listFromText(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const NUMBER = /^-?\d+(?:\.\d+)?$/;

/** The result of reading one typed value. */
export type Read<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * A value of a parameter as typed into a form: numbers for number parameters, yes/no for
 * booleans, durations in words or ISO for dates, comma-separated names for features, and for
 * selects the option it names (a number when the option is one).
 */
export function valueFromText(
  d: Pick<ParameterDefinition, "type" | "options">,
  text: string,
): Read<ParameterValue> {
  switch (d.type) {
    case "number": {
      const n = Number(text);
      return NUMBER.test(text) && Number.isFinite(n)
        ? { ok: true, value: n }
        : { ok: false, message: "Enter a number, e.g. 5 or 2.5." };
    }
    case "boolean": {
      const t = text.toLowerCase();
      if (t === "yes" || t === "true") return { ok: true, value: true };
      if (t === "no" || t === "false") return { ok: true, value: false };
      return { ok: false, message: "Enter yes or no." };
    }
    case "date":
      return { ok: true, value: durationFromText(text) ?? text };
    case "features":
      return { ok: true, value: listFromText(text) };
    case "select": {
      const options = d.options ?? [];
      if (options.includes(text)) return { ok: true, value: text };
      if (NUMBER.test(text) && (options.includes(Number(text)) || !options.length))
        return { ok: true, value: Number(text) };
      return { ok: true, value: text };
    }
    default:
      return { ok: true, value: text };
  }
}

/** A value as a form field shows it (the inverse of `valueFromText`). */
export function textFromValue(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return v.join(", ");
  if (typeof v === "boolean") return v ? "yes" : "no";
  return String(v);
}

/** An option of a select parameter as typed: a number when it looks like one. */
function optionFromText(text: string): string | number {
  return NUMBER.test(text) ? Number(text) : text;
}

/** The text fields of a form post, trimmed (the CSRF token left out). */
export function formValuesOf(body: unknown): FormValues {
  const values: FormValues = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>))
    if (typeof v === "string" && k !== "_csrf") values[k] = v.trim();
  return values;
}

/* Parameter rows of the product form: `parameters.<row>.<field>`. */

/** The text fields of a parameter row, in the order the form shows them. */
export const ROW_FIELDS = [
  "key",
  "label",
  "type",
  "binding",
  "default",
  "values",
  "min",
  "max",
  "maxLength",
  "pattern",
  "integer",
] as const;

export type RowField = (typeof ROW_FIELDS)[number];

export const rowName = (row: number, field: RowField) => `parameters.${row}.${field}`;

/** How many parameter rows a posted form had (at least `fallback`, at most MAX_ROWS). */
export function rowCount(values: FormValues, fallback = 1): number {
  let n = Math.max(fallback, Number(values.rows ?? 0) || 0);
  for (const k of Object.keys(values)) {
    const m = /^parameters\.(\d+)\./.exec(k);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  return Math.min(n, MAX_ROWS);
}

/** The form values of a product's parameters, one row each. */
export function rowValues(parameters: ParameterDefinition[]): FormValues {
  const values: FormValues = {};
  parameters.forEach((p, i) => {
    const set = (f: RowField, v: unknown) => {
      const t = textFromValue(v);
      if (t) values[rowName(i, f)] = t;
    };
    set("key", p.key);
    set("label", p.label);
    set("type", p.type);
    set("binding", p.binding);
    set("default", p.default);
    set("values", p.type === "features" ? p.features : p.options);
    set("min", p.min);
    set("max", p.max);
    set("maxLength", p.maxLength);
    set("pattern", p.pattern);
    if (p.integer) values[rowName(i, "integer")] = "yes";
  });
  return values;
}

export interface ParsedRows {
  parameters: ParameterDefinition[];
  /** Problems found while reading, by form field. */
  errors: FormErrors["fields"];
  /** A service's field (`parameters.<index>.<field>`) → the form's field, for `formErrors`. */
  fieldMap: Record<string, string>;
}

/**
 * Reads the parameter rows of a product form. A row left empty is skipped (that is how a
 * parameter is removed); a filled row needs a key and a label. The service checks the rest
 * (types, well-known keys, bounds, defaults).
 */
export function parseParameterRows(values: FormValues, rows: number): ParsedRows {
  const out: ParsedRows = { parameters: [], errors: {}, fieldMap: {} };
  for (let row = 0; row < rows; row++) {
    const get = (f: RowField) => values[rowName(row, f)] ?? "";
    const filled = [
      "key",
      "label",
      "default",
      "values",
      "min",
      "max",
      "maxLength",
      "pattern",
      "integer",
    ].some((f) => get(f as RowField) !== "");
    if (!filled) continue;
    const index = out.parameters.length;
    const fail = (f: RowField, message: string) => {
      out.errors[rowName(row, f)] ??= message;
    };
    for (const f of ROW_FIELDS) out.fieldMap[`parameters.${index}.${f}`] = rowName(row, f);
    out.fieldMap[`parameters.${index}`] = rowName(row, "type");
    out.fieldMap[`parameters.${index}.options`] = rowName(row, "values");
    out.fieldMap[`parameters.${index}.features`] = rowName(row, "values");
    if (!get("key")) fail("key", "Fill in this field.");
    else if (get("key").length > 64) fail("key", "Use at most 64 characters.");
    if (!get("label")) fail("label", "Fill in this field.");
    else if (get("label").length > 200) fail("label", "Use at most 200 characters.");
    const type = get("type") as ParameterType;
    if (!PARAMETER_TYPES.includes(type)) fail("type", "Choose a type.");
    const binding = get("binding");
    if (binding !== "static" && binding !== "order" && binding !== "activation")
      fail("binding", "Choose when the value is decided.");
    const d: ParameterDefinition = {
      key: get("key"),
      label: get("label"),
      type,
      binding: binding as ParameterDefinition["binding"],
    };
    const list = listFromText(get("values"));
    if (list.length) {
      if (type === "features") d.features = list;
      else d.options = list.map(optionFromText);
    } else if (type === "features") d.features = [];
    for (const f of ["min", "max"] as const) {
      const t = get(f);
      if (!t) continue;
      if (NUMBER.test(t)) d[f] = Number(t);
      else fail(f, "Enter a number, e.g. 5 or 2.5.");
    }
    if (get("maxLength")) {
      const n = Number(get("maxLength"));
      if (/^\d+$/.test(get("maxLength")) && n >= 1) d.maxLength = n;
      else fail("maxLength", "Enter a whole number of at least 1.");
    }
    if (get("pattern")) d.pattern = get("pattern");
    if (get("integer")) d.integer = true;
    if (get("default")) {
      const v = valueFromText(d, get("default"));
      if (v.ok) d.default = v.value;
      else fail("default", v.message);
    }
    out.parameters.push(d);
  }
  return out;
}

/* The configuration of a product in a category: `param.<key>.<field>` per order-specific
 * parameter, `subscription.<field>` for the subscription. */

export type ConfigMode = "default" | "fixed" | "flexible";

/** The fields of one parameter's configuration. */
export const CONFIG_FIELDS = [
  "mode",
  "value",
  "input",
  "maxLength",
  "pattern",
  "min",
  "max",
  "options",
  "minRelative",
  "maxRelative",
] as const;

export type ConfigField = (typeof CONFIG_FIELDS)[number];

export const configName = (key: string, field: ConfigField) => `param.${key}.${field}`;

/** The subscription fields of the configuration form. */
export const SUBSCRIPTION_FIELDS = [
  "subscription.type",
  "subscription.cancellationPeriod",
  "subscription.firstEnd.mode",
  "subscription.firstEnd.value",
  "subscription.firstEnd.min",
  "subscription.firstEnd.max",
  "subscription.firstEnd.default",
  "subscription.alignTo",
  "subscription.renewalTerm",
] as const;

/** The input kinds a flexible parameter of each type can be captured with: the domain's table. */
export const INPUT_KINDS = ALLOWED_INPUTS;

/** The configuration fields the form shows for a parameter of this type. */
export function shownConfigFields(type: ParameterType): ConfigField[] {
  const kinds = INPUT_KINDS[type];
  return CONFIG_FIELDS.filter(
    (f) =>
      !(
        ((f === "maxLength" || f === "pattern") && !kinds.includes("text")) ||
        ((f === "min" || f === "max") && !kinds.includes("number")) ||
        ((f === "minRelative" || f === "maxRelative") && !kinds.includes("date"))
      ),
  );
}

/** The form values of a category product's configuration. */
export function configValues(defs: ParameterDefinition[], config: CategoryProductConfig): FormValues {
  const values: FormValues = {};
  for (const d of defs) {
    const rule = config.parameters[d.key];
    values[configName(d.key, "mode")] = rule?.mode ?? "default";
    if (!rule) continue;
    if (rule.mode === "fixed") {
      values[configName(d.key, "value")] = textFromValue(rule.value);
      continue;
    }
    values[configName(d.key, "input")] = inputOf(d, rule);
    for (const f of ["maxLength", "pattern", "min", "max", "minRelative", "maxRelative"] as const)
      if (rule[f] !== undefined) values[configName(d.key, f)] = String(rule[f]);
    if (rule.options) values[configName(d.key, "options")] = rule.options.map(textFromValue).join(", ");
  }
  const s = config.subscription;
  if (s) {
    values["subscription.type"] = s.type;
    values["subscription.cancellationPeriod"] = s.cancellationPeriod;
    values["subscription.firstEnd.mode"] = s.firstEnd.mode;
    if (s.firstEnd.mode === "fixed") values["subscription.firstEnd.value"] = s.firstEnd.value;
    else {
      values["subscription.firstEnd.min"] = s.firstEnd.min;
      values["subscription.firstEnd.max"] = s.firstEnd.max;
      if (s.firstEnd.default) values["subscription.firstEnd.default"] = s.firstEnd.default;
    }
    if (s.alignTo) values["subscription.alignTo"] = s.alignTo;
    if (s.renewalTerm) values["subscription.renewalTerm"] = s.renewalTerm;
  }
  return values;
}

export interface ParsedConfig {
  config: CategoryProductConfig;
  errors: FormErrors["fields"];
  /** A service's field (`parameters.<key>.<field>`, `subscription.<field>`) → the form's field. */
  fieldMap: Record<string, string>;
}

/**
 * Reads a category product's configuration form. Only the inputs of the chosen mode count:
 * a fixed value is ignored when the parameter is flexible, bounds are ignored when it is fixed,
 * and nothing of a parameter left to the product's default is sent.
 */
export function parseCategoryConfig(defs: ParameterDefinition[], values: FormValues): ParsedConfig {
  const out: ParsedConfig = { config: { parameters: {} }, errors: {}, fieldMap: {} };
  const get = (name: string) => values[name] ?? "";
  for (const d of defs) {
    const name = (f: ConfigField) => configName(d.key, f);
    const fail = (f: ConfigField, message: string) => {
      out.errors[name(f)] ??= message;
    };
    // Only fields the form shows for this type: a problem with another (a forged pattern on a
    // number) is said at the top of the form.
    for (const f of shownConfigFields(d.type)) out.fieldMap[`parameters.${d.key}.${f}`] = name(f);
    out.fieldMap[`parameters.${d.key}`] = name("mode");
    const mode = get(name("mode")) || "default";
    if (mode === "default") continue;
    if (mode === "fixed") {
      const text = get(name("value"));
      if (!text) {
        out.config.parameters[d.key] = { mode: "fixed", value: null };
        continue;
      }
      const v = valueFromText(d, text);
      if (v.ok) out.config.parameters[d.key] = { mode: "fixed", value: v.value };
      else fail("value", v.message);
      continue;
    }
    if (mode !== "flexible") {
      fail("mode", "Choose the product default, a fixed value or a flexible value.");
      continue;
    }
    const rule: FlexibleRule = { mode: "flexible" };
    const input = get(name("input"));
    if (input) rule.input = input as InputKind;
    for (const f of ["min", "max"] as const) {
      const t = get(name(f));
      if (!t) continue;
      if (NUMBER.test(t)) rule[f] = Number(t);
      else fail(f, "Enter a number, e.g. 5 or 2.5.");
    }
    const maxLength = get(name("maxLength"));
    if (maxLength) {
      if (/^\d+$/.test(maxLength) && Number(maxLength) >= 1) rule.maxLength = Number(maxLength);
      else fail("maxLength", "Enter a whole number of at least 1.");
    }
    if (get(name("pattern"))) rule.pattern = get(name("pattern"));
    for (const f of ["minRelative", "maxRelative"] as const) {
      const t = get(name(f));
      if (t) rule[f] = durationFromText(t) ?? t;
    }
    const options = listFromText(get(name("options")));
    if (options.length) {
      const read: (ParameterValue | null)[] = [];
      for (const o of options) {
        if (d.type === "features") read.push(o);
        else {
          const v = valueFromText(d, o);
          if (v.ok) read.push(v.value);
          else fail("options", `${o}: ${v.message}`);
        }
      }
      rule.options = read;
      read.forEach((_, i) => {
        out.fieldMap[`parameters.${d.key}.options.${i}`] = name("options");
      });
    }
    out.config.parameters[d.key] = rule;
  }
  for (const f of SUBSCRIPTION_FIELDS) out.fieldMap[f] = f;
  const type = get("subscription.type");
  if (type === "license" || type === "maintenance") {
    const duration = (field: (typeof SUBSCRIPTION_FIELDS)[number], required: boolean): string | undefined => {
      const t = get(field);
      if (!t) {
        if (required) out.errors[field] ??= "Fill in this field, e.g. 3 months or P3M.";
        return undefined;
      }
      return durationFromText(t) ?? t;
    };
    const cancellationPeriod = duration("subscription.cancellationPeriod", true) ?? "";
    const firstEnd: SubscriptionConfig["firstEnd"] =
      get("subscription.firstEnd.mode") === "flexible"
        ? {
            mode: "flexible",
            min: duration("subscription.firstEnd.min", true) ?? "",
            max: duration("subscription.firstEnd.max", true) ?? "",
          }
        : { mode: "fixed", value: duration("subscription.firstEnd.value", true) ?? "" };
    if (firstEnd.mode === "flexible") {
      const dflt = duration("subscription.firstEnd.default", false);
      if (dflt) firstEnd.default = dflt;
    }
    const subscription: SubscriptionConfig = { type, cancellationPeriod, firstEnd };
    const align = get("subscription.alignTo");
    if (align === "month" || align === "quarter" || align === "year") subscription.alignTo = align;
    const term = duration("subscription.renewalTerm", false);
    if (term) subscription.renewalTerm = term;
    out.config.subscription = subscription;
  }
  return out;
}
