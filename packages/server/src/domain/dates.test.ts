import { describe, expect, it } from "vitest";
import { addDuration, durationSeconds, isIsoDate, parseDuration, resolveDate } from "./dates.ts";

describe("dates", () => {
  it("parses durations of years, months, weeks and days", () => {
    expect(parseDuration("P1Y")).toEqual({ years: 1, months: 0, days: 0 });
    expect(parseDuration("P1Y6M")).toEqual({ years: 1, months: 6, days: 0 });
    expect(parseDuration("P2W3D")).toEqual({ years: 0, months: 0, days: 17 });
    for (const bad of ["P", "30D", "P1H", "PT1H", "P-1D", "p1d", ""])
      expect(parseDuration(bad), bad).toBeNull();
  });

  it("accepts only real calendar days", () => {
    expect(isIsoDate("2028-02-29")).toBe(true);
    expect(isIsoDate("2027-02-29")).toBe(false);
    expect(isIsoDate("2027-13-01")).toBe(false);
    expect(isIsoDate("2027-1-01")).toBe(false);
  });

  it("adds calendar months, clamping to the month's last day", () => {
    expect(addDuration("2026-01-31", { years: 0, months: 1, days: 0 })).toBe("2026-02-28");
    expect(addDuration("2028-01-31", { years: 0, months: 1, days: 0 })).toBe("2028-02-29");
    expect(addDuration("2026-11-15", { years: 0, months: 3, days: 0 })).toBe("2027-02-15");
    expect(addDuration("2026-12-31", { years: 1, months: 0, days: 1 })).toBe("2028-01-01");
  });

  it("resolves relative dates against the instant's UTC day and keeps absolute ones", () => {
    const base = new Date("2026-03-10T23:30:00-05:00");
    expect(resolveDate("P30D", base)).toBe("2026-04-10");
    expect(resolveDate("2030-01-01", base)).toBe("2030-01-01");
  });

  it("measures a duration in seconds from an instant", () => {
    expect(durationSeconds("P30D", new Date("2026-01-01T12:00:00Z"))).toBe(30 * 86400);
    expect(durationSeconds("P1M", new Date("2026-02-10T00:00:00Z"))).toBe(28 * 86400);
  });
});
