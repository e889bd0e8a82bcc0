const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `value` is a `YYYY-MM-DD` day. */
export function isDay(value: unknown): value is string {
  return typeof value === "string" && DAY.test(value);
}

/** The UTC day (`YYYY-MM-DD`) of a moment in milliseconds since the epoch. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The UTC day of a `YYYY-MM-DD` string, an ISO date-time string or a `Date`; `undefined` when it
 * is not a valid date.
 */
export function toUtcDay(date: string | Date): string | undefined {
  if (isDay(date)) return date;
  const ms = typeof date === "string" ? Date.parse(date) : date instanceof Date ? date.getTime() : Number.NaN;
  return Number.isNaN(ms) ? undefined : utcDay(ms);
}
