import { isIsoDate } from "./dates.ts";
import type { FieldIssue } from "./errors.ts";

export type DataFieldType = "text" | "number" | "select" | "date";
export type DataFieldValue = string | number;

/** A vendor-configured order field (DESIGN §2.7). */
export interface DataFieldDefinition {
  key: string;
  label: string;
  type: DataFieldType;
  required: boolean;
  /** No two orders may share a value; a repeated value with the same order is a replay (like externalOrderNumber). */
  unique: boolean;
  maxLength?: number;
  pattern?: string;
  min?: number;
  max?: number;
  options?: string[];
  /** Category ids where the field appears; empty: on every order, with or without category. */
  categories: string[];
}

const KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export function checkDataFieldDefinition(d: DataFieldDefinition): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!KEY.test(d.key))
    issues.push({
      field: "key",
      message: `"${d.key}" must start with a letter and contain only letters, digits and _ (at most 64)`,
    });
  if ((d.maxLength !== undefined || d.pattern !== undefined) && d.type !== "text")
    issues.push({ field: "maxLength", message: "maxLength and pattern apply to text fields only" });
  if ((d.min !== undefined || d.max !== undefined) && d.type !== "number")
    issues.push({ field: "min", message: "min and max apply to number fields only" });
  if (d.min !== undefined && d.max !== undefined && d.min > d.max)
    issues.push({ field: "min", message: `min ${d.min} is greater than max ${d.max}` });
  if (d.type === "select" && !d.options?.length)
    issues.push({ field: "options", message: "a select field needs at least one option" });
  if (d.options !== undefined && d.type !== "select")
    issues.push({ field: "options", message: "options apply to select fields only" });
  if (d.pattern !== undefined) {
    try {
      new RegExp(d.pattern);
    } catch {
      issues.push({ field: "pattern", message: `"${d.pattern}" is not a valid regular expression` });
    }
  }
  return issues;
}

/** The rule a value breaks, or null. */
export function checkDataFieldValue(d: DataFieldDefinition, v: unknown): string | null {
  switch (d.type) {
    case "text":
      if (typeof v !== "string" || v.length === 0) return "must be a non-empty string";
      if (d.maxLength !== undefined && v.length > d.maxLength)
        return `is ${v.length} characters long; the maximum is ${d.maxLength}`;
      if (d.pattern !== undefined && !new RegExp(`^(?:${d.pattern})$`).test(v))
        return `"${v}" does not match the pattern ${d.pattern}`;
      return null;
    case "number":
      if (typeof v !== "number" || !Number.isFinite(v)) return "must be a number";
      if (d.min !== undefined && v < d.min) return `${v} is below the minimum of ${d.min}`;
      if (d.max !== undefined && v > d.max) return `${v} is above the maximum of ${d.max}`;
      return null;
    case "select":
      return typeof v === "string" && (d.options ?? []).includes(v)
        ? null
        : `${JSON.stringify(v)} is not one of ${JSON.stringify(d.options)}`;
    case "date":
      return typeof v === "string" && isIsoDate(v)
        ? null
        : `${JSON.stringify(v)} must be a date (YYYY-MM-DD)`;
  }
}

/** Whether a field appears on orders of a category (null: an order without category). */
export function appliesTo(d: DataFieldDefinition, categoryId: string | null): boolean {
  return d.categories.length === 0 || (categoryId !== null && d.categories.includes(categoryId));
}

/** Checks an order's data field values: required present, unknown absent, each value within its rules. */
export function checkOrderDataFields(
  fields: DataFieldDefinition[],
  categoryId: string | null,
  supplied: Record<string, unknown>,
  issues: FieldIssue[],
): Record<string, DataFieldValue> {
  const applicable = fields.filter((f) => appliesTo(f, categoryId));
  const byKey = new Map(applicable.map((f) => [f.key, f]));
  for (const key of Object.keys(supplied))
    if (!byKey.has(key))
      issues.push({
        field: `dataFields.${key}`,
        message: `no data field "${key}" applies to this order; fields: ${applicable.map((f) => f.key).join(", ") || "none"}`,
      });
  const out: Record<string, DataFieldValue> = {};
  for (const f of applicable) {
    const v = supplied[f.key];
    if (v === undefined || v === null || v === "") {
      if (f.required) issues.push({ field: `dataFields.${f.key}`, message: `${f.label} is required` });
      continue;
    }
    const problem = checkDataFieldValue(f, v);
    if (problem) issues.push({ field: `dataFields.${f.key}`, message: problem });
    else out[f.key] = v as DataFieldValue;
  }
  return out;
}
