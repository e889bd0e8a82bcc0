import { canonicalJson } from "./canonical.ts";
import { addDuration, dayOf, isDuration, parseDuration, resolveDate } from "./dates.ts";
import type { FieldIssue } from "./errors.ts";
import {
  checkValue,
  type ParameterDefinition,
  type ParameterType,
  type ParameterValue,
} from "./parameters.ts";
import {
  checkSubscriptionConfig,
  drivenParameter,
  resolveFirstTerm,
  type SubscriptionConfig,
} from "./subscriptions.ts";

/** A parameter every license of the category gets with this value; users see it read-only. */
export interface FixedRule {
  mode: "fixed";
  /** null: no value (e.g. a perpetual license: no expiry). */
  value: ParameterValue | null;
}

export type InputKind = "text" | "number" | "select" | "date";

/** A parameter captured when the order is created, within bounds. */
export interface FlexibleRule {
  mode: "flexible";
  /** The control that captures it; defaults from the parameter's type. */
  input?: InputKind;
  /** text */
  maxLength?: number;
  pattern?: string;
  /** number */
  min?: number;
  max?: number;
  /** select: the values offered (for a features parameter: the features that may be chosen). */
  options?: (ParameterValue | null)[];
  /** date: bounds relative to the order's creation, e.g. `P1D`..`P30D`. */
  minRelative?: string;
  maxRelative?: string;
}

export type CategoryRule = FixedRule | FlexibleRule;

/** How one product is sold through one category: a rule per order-specific parameter. */
export interface CategoryProductConfig {
  parameters: Record<string, CategoryRule>;
  /**
   * Sold as a subscription (DESIGN §2.6): the driven parameter (`expiresAt` or `maintenanceUntil`)
   * then follows the subscription's first-end rule instead of a rule of its own.
   */
  subscription?: SubscriptionConfig;
}

const DEFAULT_INPUT: Record<string, InputKind> = {
  text: "text",
  number: "number",
  date: "date",
  select: "select",
  features: "select",
  boolean: "select",
};
/** The input kinds a flexible parameter of each type can be captured with. */
export const ALLOWED_INPUTS: Record<ParameterType, InputKind[]> = {
  text: ["text", "select"],
  number: ["number", "select"],
  date: ["date", "select"],
  select: ["select"],
  features: ["select"],
  boolean: ["select"],
};

export function inputOf(d: ParameterDefinition, r: FlexibleRule): InputKind {
  return r.input ?? DEFAULT_INPUT[d.type]!;
}

/** Checks a category product's configuration against the product's parameters. */
export function checkCategoryConfig(
  defs: ParameterDefinition[],
  config: CategoryProductConfig,
  path = "parameters",
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const byKey = new Map(defs.map((d) => [d.key, d]));
  if (config.subscription) {
    const driven = drivenParameter(config.subscription.type);
    const d = byKey.get(driven);
    if (d?.binding !== "order")
      issues.push({
        field: "subscription.type",
        message: `a ${config.subscription.type} subscription drives ${driven}, which must be an order-specific parameter of the product`,
      });
    if (config.parameters[driven])
      issues.push({
        field: `${path}.${driven}`,
        message: `${driven} is driven by the subscription (its firstEnd rule); leave it out of the parameters`,
      });
    issues.push(...checkSubscriptionConfig(config.subscription, "subscription"));
  }
  for (const [key, rule] of Object.entries(config.parameters)) {
    const at = `${path}.${key}`;
    const d = byKey.get(key);
    if (!d) {
      issues.push({ field: at, message: `the product has no parameter "${key}"` });
      continue;
    }
    if (d.binding !== "order") {
      issues.push({
        field: at,
        message: `${key} is ${d.binding === "static" ? "static" : "activation-specific"}; only order-specific parameters are configured per category`,
      });
      continue;
    }
    if (rule.mode === "fixed") {
      const problem = rule.value === null ? null : checkValue(d, rule.value);
      if (problem) issues.push({ field: `${at}.value`, message: problem });
      continue;
    }
    const input = inputOf(d, rule);
    if (!ALLOWED_INPUTS[d.type]!.includes(input))
      issues.push({
        field: `${at}.input`,
        message: `a ${d.type} parameter cannot be captured as ${input}; use ${ALLOWED_INPUTS[d.type]!.join(" or ")}`,
      });
    const only = (keys: (keyof FlexibleRule)[], kind: InputKind) => {
      for (const k of keys)
        if (rule[k] !== undefined && input !== kind)
          issues.push({ field: `${at}.${k}`, message: `${k} applies to ${kind} input only` });
    };
    only(["maxLength", "pattern"], "text");
    only(["min", "max"], "number");
    only(["minRelative", "maxRelative"], "date");
    only(["options"], "select");
    if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max)
      issues.push({ field: `${at}.min`, message: `min ${rule.min} is greater than max ${rule.max}` });
    if (rule.pattern !== undefined) {
      try {
        new RegExp(rule.pattern);
      } catch {
        issues.push({
          field: `${at}.pattern`,
          message: `"${rule.pattern}" is not a valid regular expression`,
        });
      }
    }
    for (const k of ["minRelative", "maxRelative"] as const)
      if (rule[k] !== undefined && !isDuration(rule[k]!))
        issues.push({ field: `${at}.${k}`, message: `${rule[k]} must be a duration such as P1D or P30D` });
    if (
      rule.minRelative &&
      rule.maxRelative &&
      isDuration(rule.minRelative) &&
      isDuration(rule.maxRelative)
    ) {
      const base = "2000-01-01";
      if (
        addDuration(base, parseDuration(rule.minRelative)!) >
        addDuration(base, parseDuration(rule.maxRelative)!)
      )
        issues.push({
          field: `${at}.minRelative`,
          message: `${rule.minRelative} is after maxRelative ${rule.maxRelative}`,
        });
    }
    if (input === "select") {
      if (!rule.options?.length && d.type !== "select" && d.type !== "boolean" && d.type !== "features")
        issues.push({ field: `${at}.options`, message: "a select input needs the list of values to offer" });
      for (const [i, o] of (rule.options ?? []).entries()) {
        const problem = d.type === "features" ? checkValue(d, [o]) : checkValue(d, o);
        if (problem) issues.push({ field: `${at}.options.${i}`, message: problem });
      }
    }
  }
  return issues;
}

/** The values a select offers: the rule's list, or the parameter's own. */
export function optionsOf(d: ParameterDefinition, r: FlexibleRule): (ParameterValue | null)[] {
  if (r.options?.length) return r.options;
  if (d.type === "select") return (d.options ?? []) as ParameterValue[];
  if (d.type === "boolean") return [true, false];
  if (d.type === "features") return d.features ?? [];
  return [];
}

/** The rule a flexible value breaks (product rules first, then the category's bounds), or null. */
export function checkFlexible(
  d: ParameterDefinition,
  r: FlexibleRule,
  v: unknown,
  base: Date,
): string | null {
  const product = checkValue(d, v);
  if (product) return product;
  const input = inputOf(d, r);
  if (input === "select") {
    const offered = optionsOf(d, r);
    if (d.type === "features") {
      const outside = (v as string[]).filter((f) => !offered.includes(f));
      return outside.length
        ? `feature(s) ${outside.join(", ")} are not offered in this category; allowed: ${JSON.stringify(offered)}`
        : null;
    }
    return offered.some((o) => canonicalJson(o) === canonicalJson(v))
      ? null
      : `${JSON.stringify(v)} is not one of this category's values ${JSON.stringify(offered)}`;
  }
  if (input === "text") {
    const s = v as string;
    if (r.maxLength !== undefined && s.length > r.maxLength)
      return `is ${s.length} characters long; this category allows at most ${r.maxLength}`;
    if (r.pattern !== undefined && !new RegExp(`^(?:${r.pattern})$`).test(s))
      return `"${s}" does not match this category's pattern ${r.pattern}`;
    return null;
  }
  if (input === "number") {
    const n = v as number;
    if (r.min !== undefined && n < r.min) return `${n} is below this category's minimum of ${r.min}`;
    if (r.max !== undefined && n > r.max) return `${n} is above this category's maximum of ${r.max}`;
    return null;
  }
  const day = resolveDate(v as string, base);
  const created = dayOf(base);
  if (r.minRelative && day < addDuration(created, parseDuration(r.minRelative)!))
    return `${v} is before this category's minimum of ${r.minRelative} (${addDuration(created, parseDuration(r.minRelative)!)})`;
  if (r.maxRelative && day > addDuration(created, parseDuration(r.maxRelative)!))
    return `${v} is after this category's maximum of ${r.maxRelative} (${addDuration(created, parseDuration(r.maxRelative)!)})`;
  return null;
}

/**
 * The rule that "no value" breaks for a flexible parameter, or null: no date is a license that
 * never ends, so it is beyond any maximum date; no number is beyond any maximum (unlimited
 * seats); a select offers no value only when its list holds null. No features is always allowed.
 */
export function checkFlexibleNone(d: ParameterDefinition, r: FlexibleRule): string | null {
  const input = inputOf(d, r);
  if (d.type === "features") return null;
  if (input === "select")
    return optionsOf(d, r).includes(null)
      ? null
      : `a value is required: this category offers ${JSON.stringify(optionsOf(d, r))}`;
  if (input === "date" && r.maxRelative)
    return `a date is required: no date never ends, and this category's maximum is ${r.maxRelative}`;
  if (input === "number" && r.max !== undefined)
    return `a number is required: no number is unlimited, and this category's maximum is ${r.max}`;
  return null;
}

/**
 * Applies a category's rules to the values a request supplies for one product: fixed values are
 * set (a different one is refused), flexible ones checked against the bounds, unconfigured
 * parameters left to the product's default (supplying one is refused). Returns the values to bind.
 */
export function applyCategoryRules(
  defs: ParameterDefinition[],
  config: CategoryProductConfig,
  supplied: Record<string, unknown>,
  base: Date,
  path: string,
  issues: FieldIssue[],
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...supplied };
  const driven = config.subscription ? drivenParameter(config.subscription.type) : null;
  for (const d of defs) {
    if (d.binding !== "order") continue;
    if (d.key === driven) {
      // The first end date of the subscription: resolved to an absolute, aligned day.
      const first = resolveFirstTerm(config.subscription!, supplied[d.key], base, `${path}.${d.key}`, issues);
      if (first) out[d.key] = first.endDate;
      continue;
    }
    const rule = config.parameters[d.key];
    const given = Object.hasOwn(supplied, d.key);
    const at = `${path}.${d.key}`;
    if (!rule) {
      if (given)
        issues.push({
          field: at,
          message: `${d.key} is not configurable in this category; it takes the product's default`,
        });
      delete out[d.key];
      continue;
    }
    if (rule.mode === "fixed") {
      if (given && canonicalJson(supplied[d.key]) !== canonicalJson(rule.value))
        issues.push({
          field: at,
          message: `${JSON.stringify(supplied[d.key])} differs from this category's fixed value ${JSON.stringify(rule.value)}`,
        });
      out[d.key] = rule.value;
      continue;
    }
    const value = given ? supplied[d.key] : (d.default ?? null);
    if (value === null || value === undefined) {
      const none = checkFlexibleNone(d, rule);
      if (none) issues.push({ field: at, message: none });
      else if (given) out[d.key] = null;
      continue;
    }
    const problem = checkFlexible(d, rule, value, base);
    if (problem)
      issues.push({
        field: at,
        message: given
          ? problem
          : `must be given: the product's default ${JSON.stringify(value)}: ${problem}`,
      });
    else out[d.key] = value;
  }
  return out;
}

/**
 * Checks the values a modification changes against the category's rules: configured flexible
 * parameters within their bounds, fixed ones only to their fixed value, nothing unconfigured.
 */
export function checkCategoryChanges(
  defs: ParameterDefinition[],
  config: CategoryProductConfig | null,
  changes: Record<string, unknown>,
  base: Date,
  path: string,
  issues: FieldIssue[],
): void {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const driven = config?.subscription ? drivenParameter(config.subscription.type) : null;
  for (const [key, value] of Object.entries(changes)) {
    const d = byKey.get(key);
    if (d?.binding !== "order") continue;
    const rule = config?.parameters[key];
    const at = `${path}.${key}`;
    if (key === driven)
      issues.push({
        field: at,
        message: `${key} is driven by the license's subscription; it changes only by renewal`,
      });
    else if (!rule)
      issues.push({ field: at, message: `${key} is not configurable in this license's category` });
    else if (rule.mode === "fixed") {
      if (canonicalJson(value) !== canonicalJson(rule.value))
        issues.push({
          field: at,
          message: `${JSON.stringify(value)} differs from this category's fixed value ${JSON.stringify(rule.value)}`,
        });
    } else {
      const problem = value === null ? checkFlexibleNone(d, rule) : checkFlexible(d, rule, value, base);
      if (problem) issues.push({ field: at, message: problem });
    }
  }
}
