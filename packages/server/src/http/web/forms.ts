import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import type { Static, TSchema } from "typebox";
import { AppError, type FieldIssue } from "../../domain/errors.ts";

/** What is wrong with a submitted form: messages by field name, and messages about the whole form. */
export interface FormErrors {
  fields: Record<string, string>;
  form: string[];
}

/** The values a form is re-rendered with (never the `writeOnly` ones, such as passwords). */
export type FormValues = Record<string, string>;

export const NO_ERRORS: FormErrors = { fields: {}, form: [] };

export type FormResult<T> =
  | { ok: true; value: T; values: FormValues }
  | { ok: false; errors: FormErrors; values: FormValues };

/** Forms are checked as sent (all strings); unknown fields are dropped, not rejected. */
const ajv = new Ajv.default({ allErrors: true, coerceTypes: false, removeAdditional: "all", strict: false });
const compiled = new WeakMap<TSchema, ValidateFunction>();

/** "must be at least 10 characters long" → "Must be at least 10 characters long." */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const first = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

function properties(schema: TSchema): Record<string, TSchema> {
  return ((schema as { properties?: Record<string, TSchema> }).properties ?? {}) as Record<string, TSchema>;
}

function messageOf(e: ErrorObject, schema: TSchema): { field: string; message: string } {
  const field = e.instancePath.replace(/^\//, "").split("/")[0] || String(e.params.missingProperty ?? "");
  const own = properties(schema)[field] as { errorMessage?: string } | undefined;
  const limit = (e.params as { limit?: number }).limit;
  switch (e.keyword) {
    case "required":
      return { field, message: "Fill in this field." };
    case "minLength":
      return { field, message: limit === 1 ? "Fill in this field." : `Use at least ${limit} characters.` };
    case "maxLength":
      return { field, message: `Use at most ${limit} characters.` };
    case "type":
      return { field, message: "Send this field once, as text." };
    default:
      return { field, message: own?.errorMessage ?? sentence(e.message ?? "is not valid") };
  }
}

/**
 * Parses a form body (urlencoded or multipart key/values) against a TypeBox schema: the edge
 * validation of web forms. Text is trimmed except in `writeOnly` fields (passwords), which are
 * also left out of the values a form is re-rendered with. Messages speak to a person: "Fill in
 * this field.", "Use at most 200 characters.", or the property's `errorMessage`.
 */
export function parseForm<S extends TSchema>(schema: S, body: unknown): FormResult<Static<S>> {
  const props = properties(schema);
  const input: Record<string, unknown> = {};
  const values: FormValues = {};
  for (const [key, raw] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    const secret = (props[key] as { writeOnly?: boolean } | undefined)?.writeOnly === true;
    const value = typeof raw === "string" && !secret ? raw.trim() : raw;
    input[key] = value;
    if (typeof value === "string" && !secret && key in props) values[key] = value;
  }
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema as object);
    compiled.set(schema, validate);
  }
  if (validate(input)) return { ok: true, value: input as Static<S>, values };
  const errors: FormErrors = { fields: {}, form: [] };
  for (const e of validate.errors ?? []) {
    const { field, message } = messageOf(e, schema);
    if (field) errors.fields[field] ??= message;
    else errors.form.push(message);
  }
  return { ok: false, errors, values };
}

/**
 * Turns a service's AppError into form errors: each issue (and `details.field`) next to the form
 * field it names, through `fields` (service field → form field; a list means the same names);
 * anything else at the top of the form. Any other error is rethrown.
 */
export function formErrors(
  err: unknown,
  fields: readonly string[] | Record<string, string> = [],
): FormErrors {
  if (!(err instanceof AppError)) throw err;
  const map: Record<string, string> = Array.isArray(fields)
    ? Object.fromEntries(fields.map((f) => [f, f]))
    : (fields as Record<string, string>);
  const out: FormErrors = { fields: {}, form: [] };
  const issues = (err.details.issues as FieldIssue[] | undefined) ?? [];
  for (const issue of issues) {
    const field = map[issue.field];
    if (field) out.fields[field] ??= sentence(issue.message);
    else out.form.push(sentence(`${issue.field}: ${issue.message}`));
  }
  if (!issues.length) {
    const field = typeof err.details.field === "string" ? map[err.details.field] : undefined;
    const prefix = `${String(err.details.field)}: `;
    const message = field && err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
    if (field) out.fields[field] = sentence(message);
    else out.form.push(sentence(message));
  }
  return out;
}

/** Whether there is anything to show. */
export function hasErrors(errors: FormErrors): boolean {
  return errors.form.length > 0 || Object.keys(errors.fields).length > 0;
}
