import type { Static, TSchema } from "typebox";
import { AppError, ErrorCode } from "../../domain/errors.ts";
import { parseForm } from "./forms.ts";

/** The 400 of an address whose query cannot be read: what is wrong, by query key. */
export function badQuery(fields: Record<string, string>, form: string[] = []): AppError {
  const problems = [...Object.entries(fields).map(([key, message]) => `${key}: ${message}`), ...form];
  return new AppError(
    ErrorCode.VALIDATION_FAILED,
    `the address of this page cannot be read (${problems.join(" ")}) Open the page again from the menu`,
    { issues: Object.entries(fields).map(([field, message]) => ({ field, message })) },
  );
}

/**
 * Reads the query of a page that has no filter form to show errors in (a cursor, a page of a
 * list) against a TypeBox schema, like a form: a key sent twice arrives as a list and is refused,
 * as is a value the schema does not allow. What cannot be read answers 400 with the error page,
 * before anything reaches a service or a query.
 */
export function parseQuery<S extends TSchema>(schema: S, query: unknown): Static<S> {
  const form = parseForm(schema, query);
  if (!form.ok) throw badQuery(form.errors.fields, form.errors.form);
  return form.value;
}
