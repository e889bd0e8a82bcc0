import { isDuration, isIsoDate, resolveDate } from "./dates.ts";
import type { FieldIssue } from "./errors.ts";

export type ParameterType = "text" | "number" | "boolean" | "date" | "select" | "features";
export type Binding = "static" | "order" | "activation";
export type ParameterValue = string | number | boolean | string[];

/** One parameter of a product, as the vendor defines it. */
export interface ParameterDefinition {
  key: string;
  label: string;
  type: ParameterType;
  binding: Binding;
  /** Value used when nothing else decides it. Dates may be absolute or relative (`P30D`). */
  default?: ParameterValue | null;
  /** text: maximum length. */
  maxLength?: number;
  /** text: regular expression the whole value must match. */
  pattern?: string;
  /** number: bounds and whether decimals are allowed. */
  min?: number;
  max?: number;
  integer?: boolean;
  /** select: the allowed values. */
  options?: (string | number)[];
  /** features: the feature flags the product declares. */
  features?: string[];
}

/** Parameters with license semantics; they appear at the top level of license files. */
export const WELL_KNOWN: Record<string, ParameterType> = {
  expiresAt: "date",
  maintenanceUntil: "date",
  seats: "number",
  features: "features",
};

const KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** Checks a product's parameter list for consistency; returns every problem found. */
export function checkDefinitions(defs: ParameterDefinition[], path = "parameters"): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  defs.forEach((d, i) => {
    const at = `${path}.${i}`;
    if (!KEY.test(d.key))
      issues.push({
        field: `${at}.key`,
        message: `"${d.key}" must start with a letter and contain only letters, digits and _ (at most 64)`,
      });
    if (seen.has(d.key)) issues.push({ field: `${at}.key`, message: `"${d.key}" is defined twice` });
    seen.add(d.key);
    const wk = WELL_KNOWN[d.key];
    if (wk && wk !== d.type)
      issues.push({ field: `${at}.type`, message: `${d.key} is well-known and must have type ${wk}` });
    if (d.key === "seats" && d.type === "number") {
      if (d.integer === false) issues.push({ field: `${at}.integer`, message: "seats must be an integer" });
      if (d.min !== undefined && d.min < 1)
        issues.push({ field: `${at}.min`, message: "seats must be at least 1" });
    }
    if (d.pattern !== undefined) {
      if (d.type !== "text")
        issues.push({ field: `${at}.pattern`, message: "pattern applies to text parameters only" });
      try {
        new RegExp(d.pattern);
      } catch {
        issues.push({ field: `${at}.pattern`, message: `"${d.pattern}" is not a valid regular expression` });
      }
    }
    if (d.maxLength !== undefined && d.type !== "text")
      issues.push({ field: `${at}.maxLength`, message: "maxLength applies to text parameters only" });
    if ((d.min !== undefined || d.max !== undefined || d.integer !== undefined) && d.type !== "number")
      issues.push({ field: at, message: "min, max and integer apply to number parameters only" });
    if (d.min !== undefined && d.max !== undefined && d.min > d.max)
      issues.push({ field: `${at}.min`, message: `min ${d.min} is greater than max ${d.max}` });
    if (d.type === "select" && (!d.options || d.options.length === 0))
      issues.push({ field: `${at}.options`, message: "a select parameter needs at least one option" });
    if (d.options !== undefined && d.type !== "select")
      issues.push({ field: `${at}.options`, message: "options apply to select parameters only" });
    if (d.type === "features" && d.features === undefined)
      issues.push({
        field: `${at}.features`,
        message: "a features parameter must declare its feature names (may be empty)",
      });
    if (d.features !== undefined && d.type !== "features")
      issues.push({ field: `${at}.features`, message: "features apply to features parameters only" });
    if (d.default !== undefined && d.default !== null) {
      const problem = checkValue(d, d.default);
      if (problem) issues.push({ field: `${at}.default`, message: problem });
    }
  });
  return issues;
}

/** The rule a value breaks for this parameter, or null when it is allowed. */
export function checkValue(d: ParameterDefinition, v: unknown): string | null {
  switch (d.type) {
    case "text":
      if (typeof v !== "string") return "must be a string";
      if (d.maxLength !== undefined && v.length > d.maxLength)
        return `is ${v.length} characters long; the maximum is ${d.maxLength}`;
      if (d.pattern !== undefined && !new RegExp(`^(?:${d.pattern})$`).test(v))
        return `"${v}" does not match the pattern ${d.pattern}`;
      return null;
    case "number":
      if (typeof v !== "number" || !Number.isFinite(v)) return "must be a number";
      if ((d.integer ?? d.key === "seats") && !Number.isInteger(v)) return `${v} must be an integer`;
      if (d.key === "seats" && v < 1) return `${v} is below the minimum of 1`;
      if (d.min !== undefined && v < d.min) return `${v} is below the minimum of ${d.min}`;
      if (d.max !== undefined && v > d.max) return `${v} is above the maximum of ${d.max}`;
      return null;
    case "boolean":
      return typeof v === "boolean" ? null : "must be true or false";
    case "date":
      if (typeof v !== "string" || !(isIsoDate(v) || isDuration(v)))
        return `${JSON.stringify(v)} must be a date (YYYY-MM-DD) or a duration relative to creation (e.g. P30D, P1Y)`;
      return null;
    case "select":
      if (!(d.options ?? []).some((o) => o === v))
        return `${JSON.stringify(v)} is not one of the allowed values ${JSON.stringify(d.options)}`;
      return null;
    case "features": {
      if (!Array.isArray(v) || v.some((f) => typeof f !== "string")) return "must be a list of feature names";
      const unknown = v.filter((f) => !(d.features ?? []).includes(f));
      if (unknown.length)
        return `unknown feature(s) ${unknown.join(", ")}; the product declares ${JSON.stringify(d.features)}`;
      if (new Set(v).size !== v.length) return "lists a feature twice";
      return null;
    }
  }
}

/** Values as requested (rules, dates possibly relative) and as resolved (absolute). */
export interface BoundValues {
  rules: Record<string, ParameterValue | null>;
  values: Record<string, ParameterValue | null>;
}

/**
 * Binds the parameters of one binding: values supplied by the caller (checked), the product's
 * defaults for the rest. Parameters of other bindings may not be supplied. Relative dates are
 * resolved against `base` (order creation or activation).
 */
export function bindValues(
  defs: ParameterDefinition[],
  binding: Binding | Binding[],
  supplied: Record<string, unknown>,
  base: Date,
  path: string,
  issues: FieldIssue[],
): BoundValues {
  const bindings = Array.isArray(binding) ? binding : [binding];
  const rules: BoundValues["rules"] = {};
  const values: BoundValues["values"] = {};
  const byKey = new Map(defs.map((d) => [d.key, d]));
  for (const key of Object.keys(supplied)) {
    const d = byKey.get(key);
    if (!d)
      issues.push({
        field: `${path}.${key}`,
        message: `the product has no parameter "${key}"; it has ${[...byKey.keys()].join(", ") || "none"}`,
      });
    else if (!bindings.includes(d.binding) && d.binding !== "static")
      issues.push({
        field: `${path}.${key}`,
        message: `${key} is ${d.binding === "order" ? "order-specific" : "activation-specific"} and cannot be set here`,
      });
    else if (d.binding === "static")
      issues.push({
        field: `${path}.${key}`,
        message: `${key} is fixed by the product (static) and cannot be set`,
      });
  }
  for (const d of defs) {
    if (!bindings.includes(d.binding)) continue;
    const given = Object.hasOwn(supplied, d.key) && d.binding !== "static";
    const raw = given ? supplied[d.key] : (d.default ?? null);
    if (given && raw !== null) {
      const problem = checkValue(d, raw);
      if (problem) {
        issues.push({ field: `${path}.${d.key}`, message: problem });
        continue;
      }
    }
    rules[d.key] = raw as ParameterValue | null;
    values[d.key] =
      d.type === "date" && typeof raw === "string" ? resolveDate(raw, base) : (raw as ParameterValue | null);
  }
  return { rules, values };
}

/** The license-level view of resolved values: well-known keys on top, the rest under `parameters`. */
export interface LicenseTerms {
  expiresAt: string | null;
  maintenanceUntil: string | null;
  seats: number;
  features: string[];
  parameters: Record<string, ParameterValue | null>;
}

export function licenseTerms(values: Record<string, ParameterValue | null>): LicenseTerms {
  const parameters: Record<string, ParameterValue | null> = {};
  for (const [k, v] of Object.entries(values)) if (!(k in WELL_KNOWN)) parameters[k] = v;
  return {
    expiresAt: (values.expiresAt as string | null | undefined) ?? null,
    maintenanceUntil: (values.maintenanceUntil as string | null | undefined) ?? null,
    seats: (values.seats as number | null | undefined) ?? 1,
    features: (values.features as string[] | null | undefined) ?? [],
    parameters,
  };
}
