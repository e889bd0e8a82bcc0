/** ISO-8601 durations of whole years, months, weeks and days, e.g. `P1Y`, `P3M`, `P30D`, `P1Y6M`. */
const DURATION = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface Duration {
  years: number;
  months: number;
  days: number;
}

export function parseDuration(text: string): Duration | null {
  const m = DURATION.exec(text);
  if (!m) return null;
  return {
    years: Number(m[1] ?? 0),
    months: Number(m[2] ?? 0),
    days: Number(m[3] ?? 0) * 7 + Number(m[4] ?? 0),
  };
}

export function isDuration(text: string): boolean {
  return parseDuration(text) !== null;
}

/** True for a real calendar date in `YYYY-MM-DD` form. */
export function isIsoDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

/** The UTC calendar day of an instant, `YYYY-MM-DD`. */
export function dayOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/**
 * Adds a duration to a UTC day. Months are calendar months; a day that does not exist in the
 * target month is clamped to its last day (Jan 31 + P1M = Feb 28/29).
 */
export function addDuration(day: string, d: Duration): string {
  const m = DATE.exec(day)!;
  let y = Number(m[1]) + d.years;
  let mo = Number(m[2]) - 1 + d.months;
  y += Math.floor(mo / 12);
  mo = ((mo % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
  const dd = Math.min(Number(m[3]), lastDay);
  return dayOf(new Date(Date.UTC(y, mo, dd) + d.days * 86_400_000));
}

/** Resolves an absolute date or a duration relative to an instant into a UTC day. */
export function resolveDate(value: string, base: Date): string {
  const d = parseDuration(value);
  return d ? addDuration(dayOf(base), d) : value;
}

/** Seconds a duration spans from an instant (used for a file's own validity window). */
export function durationSeconds(text: string, from: Date): number {
  const d = parseDuration(text)!;
  const end = new Date(`${addDuration(dayOf(from), d)}T00:00:00.000Z`).getTime();
  const startOfDay = new Date(`${dayOf(from)}T00:00:00.000Z`).getTime();
  return Math.round((end - startOfDay) / 1000);
}
