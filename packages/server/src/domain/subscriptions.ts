import { addDuration, type Duration, dayOf, isDuration, isIsoDate, parseDuration } from "./dates.ts";
import type { FieldIssue } from "./errors.ts";

/** `license`: the subscription drives `expiresAt`; `maintenance`: it drives `maintenanceUntil`. */
export type SubscriptionType = "license" | "maintenance";

/** Where end dates are moved to: the last day of their month, quarter or year. */
export type Alignment = "month" | "quarter" | "year";

/** The first end date: always the same distance from the order's creation, or chosen within bounds. */
export type FirstEndRule =
  | { mode: "fixed"; value: string }
  | { mode: "flexible"; min: string; max: string; default?: string };

/** How a category sells a product as a subscription (DESIGN §2.6). */
export interface SubscriptionConfig {
  type: SubscriptionType;
  /** ISO-8601 duration before the end date by which a cancellation must arrive, e.g. `P3M`. */
  cancellationPeriod: string;
  /** The first end date, relative to the order's creation. */
  firstEnd: FirstEndRule;
  /** End dates (the first and every renewed one) are moved forward to the end of this period. */
  alignTo?: Alignment;
  /** How far each renewal extends the subscription; default `P1Y`. */
  renewalTerm?: string;
}

export const DEFAULT_RENEWAL_TERM = "P1Y";

/** The license parameter a subscription type drives. */
export function drivenParameter(type: SubscriptionType): "expiresAt" | "maintenanceUntil" {
  return type === "license" ? "expiresAt" : "maintenanceUntil";
}

const BASE = "2000-01-01";

/** Compares two durations by the day they reach from one fixed base day (months vary in length). */
function longer(a: Duration, b: Duration): boolean {
  return addDuration(BASE, a) > addDuration(BASE, b);
}

/** Checks a subscription block of a category product; the driven parameter is checked by the caller. */
export function checkSubscriptionConfig(c: SubscriptionConfig, path: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const duration = (field: string, v: string | undefined): Duration | null => {
    if (v === undefined) return null;
    const d = parseDuration(v);
    if (!d) issues.push({ field: `${path}.${field}`, message: `${v} must be a duration such as P3M or P1Y` });
    return d;
  };
  const period = duration("cancellationPeriod", c.cancellationPeriod);
  const term = duration("renewalTerm", c.renewalTerm ?? DEFAULT_RENEWAL_TERM);
  const shortest =
    c.firstEnd.mode === "fixed"
      ? duration("firstEnd.value", c.firstEnd.value)
      : duration("firstEnd.min", c.firstEnd.min);
  if (c.firstEnd.mode === "flexible") {
    const max = duration("firstEnd.max", c.firstEnd.max);
    if (shortest && max && longer(shortest, max))
      issues.push({
        field: `${path}.firstEnd.min`,
        message: `${c.firstEnd.min} is after firstEnd.max ${c.firstEnd.max}`,
      });
    const dflt = duration("firstEnd.default", c.firstEnd.default);
    if (dflt && shortest && max && (longer(shortest, dflt) || longer(dflt, max)))
      issues.push({
        field: `${path}.firstEnd.default`,
        message: `${c.firstEnd.default} is outside firstEnd.min ${c.firstEnd.min} .. firstEnd.max ${c.firstEnd.max}`,
      });
  }
  if (period && shortest && !longer(shortest, period))
    issues.push({
      field: `${path}.cancellationPeriod`,
      message: `${c.cancellationPeriod} must be shorter than the first term (${c.firstEnd.mode === "fixed" ? c.firstEnd.value : c.firstEnd.min}); otherwise the deadline would pass before the order`,
    });
  if (period && term && !longer(term, period))
    issues.push({
      field: `${path}.renewalTerm`,
      message: `${c.renewalTerm ?? DEFAULT_RENEWAL_TERM} must be longer than the cancellation period ${c.cancellationPeriod}; otherwise a renewal's deadline would pass before it starts`,
    });
  return issues;
}

/** The last day of the month, quarter or year that `day` lies in (unchanged without alignment). */
export function alignEnd(day: string, to: Alignment | undefined): string {
  if (!to) return day;
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7)) - 1;
  const lastMonth = to === "month" ? m : to === "quarter" ? m - (m % 3) + 2 : 11;
  return dayOf(new Date(Date.UTC(y, lastMonth + 1, 0)));
}

function times(d: Duration, n: number): Duration {
  return { years: d.years * n, months: d.months * n, days: d.days * n };
}

/** `day` minus a duration: years and months first (clamped to the month's last day), then days. */
export function subtractDuration(day: string, d: Duration): string {
  return addDuration(day, times(d, -1));
}

/** The cancellation deadline of a term: its end date minus the cancellation period. */
export function deadlineOf(endDate: string, cancellationPeriod: string): string {
  return subtractDuration(endDate, parseDuration(cancellationPeriod)!);
}

/**
 * The end date of term `term` (1 = the first): the first end date plus `term - 1` renewal terms,
 * counted from the first end date so month-end dates do not drift (Jan 31 + P1M·2 = Mar 31), and
 * aligned again.
 */
export function endOfTerm(
  firstEnd: string,
  renewalTerm: string,
  term: number,
  to: Alignment | undefined,
): string {
  if (term === 1) return firstEnd;
  return alignEnd(addDuration(firstEnd, times(parseDuration(renewalTerm)!, term - 1)), to);
}

/**
 * Whether a deadline has passed on a UTC day: it passes when the day is after it. A cancellation
 * on the deadline day itself is still in time.
 */
export function deadlinePassed(deadline: string, today: string): boolean {
  return today > deadline;
}

/** The day after `day`: when a passed deadline took effect, or the first day without coverage. */
export function nextDay(day: string): string {
  return addDuration(day, { years: 0, months: 0, days: 1 });
}

/** The first term of a new subscription, resolved from the order item's value for the driven parameter. */
export interface FirstTerm {
  /** The first end date: the driven parameter's value. */
  endDate: string;
  deadline: string;
}

/**
 * Resolves and checks the first end date of a subscription from the value an order supplies for
 * the driven parameter (absent: the fixed value, the rule's default or its minimum). A relative
 * value (`P1Y`) is resolved from the creation day and aligned; an absolute date must already be
 * aligned. The result must lie within the rule's bounds, and its deadline must not have passed.
 */
export function resolveFirstTerm(
  c: SubscriptionConfig,
  supplied: unknown,
  created: Date,
  field: string,
  issues: FieldIssue[],
): FirstTerm | null {
  const rule = c.firstEnd;
  const today = dayOf(created);
  const value = supplied ?? (rule.mode === "fixed" ? rule.value : (rule.default ?? rule.min));
  if (typeof value !== "string" || !(isIsoDate(value) || isDuration(value))) {
    issues.push({
      field,
      message: `${JSON.stringify(value)} must be a date (YYYY-MM-DD) or a duration from creation (e.g. P1Y)`,
    });
    return null;
  }
  const at = (d: string) => alignEnd(addDuration(today, parseDuration(d)!), c.alignTo);
  const relative = isDuration(value);
  const endDate = relative ? at(value) : value;
  if (!relative && alignEnd(value, c.alignTo) !== value) {
    issues.push({
      field,
      message: `${value} is not the end of a ${c.alignTo}; subscriptions of this category end on the last day of a ${c.alignTo}, e.g. ${alignEnd(value, c.alignTo)}`,
    });
    return null;
  }
  if (rule.mode === "fixed") {
    if (endDate !== at(rule.value)) {
      issues.push({
        field,
        message: `${JSON.stringify(value)} differs from this category's fixed first end ${rule.value} (${at(rule.value)})`,
      });
      return null;
    }
  } else {
    const min = at(rule.min);
    const max = at(rule.max);
    if (endDate < addDuration(today, parseDuration(rule.min)!) || endDate > max) {
      issues.push({
        field,
        message: `${value} is outside this category's first end range ${rule.min} .. ${rule.max} (${min} .. ${max})`,
      });
      return null;
    }
  }
  const deadline = deadlineOf(endDate, c.cancellationPeriod);
  if (deadline < today) {
    issues.push({
      field,
      message: `${endDate} is too early: its cancellation deadline ${deadline} (end date minus ${c.cancellationPeriod}) would be before today`,
    });
    return null;
  }
  return { endDate, deadline };
}

/** A subscription's state as far as the rules of renewal need it. */
export interface SubscriptionState {
  status: "active" | "cancelled" | "ended";
  term: number;
  firstEnd: string;
  endDate: string;
  deadline: string;
  cancellationPeriod: string;
  renewalTerm: string;
  alignTo: Alignment | undefined;
}

/** One renewal: the term it starts and its dates. */
export interface Renewal {
  term: number;
  /** First day of the new term (the day after the previous end date). */
  startDate: string;
  endDate: string;
  deadline: string;
  /** The day the renewal took effect: the day after the passed deadline (reports count it there). */
  effectiveDay: string;
}

/**
 * The renewals an active subscription is owed on `today`, oldest first: one per passed deadline,
 * so a subscription whose node was off across two deadlines gets both terms, each once, in order.
 */
export function renewalsDue(s: SubscriptionState, today: string): Renewal[] {
  const out: Renewal[] = [];
  if (s.status !== "active") return out;
  let { term, endDate, deadline } = s;
  while (deadlinePassed(deadline, today)) {
    const next = term + 1;
    const end = endOfTerm(s.firstEnd, s.renewalTerm, next, s.alignTo);
    const renewal = {
      term: next,
      startDate: nextDay(endDate),
      endDate: end,
      deadline: deadlineOf(end, s.cancellationPeriod),
      effectiveDay: nextDay(deadline),
    };
    out.push(renewal);
    term = next;
    endDate = end;
    deadline = renewal.deadline;
  }
  return out;
}

/** Whether a cancelled subscription has run out: its end date is behind us. */
export function hasEnded(s: Pick<SubscriptionState, "status" | "endDate">, today: string): boolean {
  return s.status === "cancelled" && today > s.endDate;
}
