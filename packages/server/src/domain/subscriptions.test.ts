import { describe, expect, it } from "vitest";
import type { FieldIssue } from "./errors.ts";
import {
  alignEnd,
  checkSubscriptionConfig,
  deadlineOf,
  endOfTerm,
  renewalsDue,
  resolveFirstTerm,
  type SubscriptionConfig,
} from "./subscriptions.ts";

const yearly: SubscriptionConfig = {
  type: "license",
  cancellationPeriod: "P3M",
  firstEnd: { mode: "flexible", min: "P1Y", max: "P3Y" },
  alignTo: "quarter",
};

describe("subscriptions", () => {
  it("aligns end dates to the end of a month, quarter or year", () => {
    expect(alignEnd("2027-02-10", "month")).toBe("2027-02-28");
    expect(alignEnd("2028-02-10", "month")).toBe("2028-02-29");
    expect(alignEnd("2027-04-15", "quarter")).toBe("2027-06-30");
    expect(alignEnd("2027-12-01", "quarter")).toBe("2027-12-31");
    expect(alignEnd("2027-04-15", "year")).toBe("2027-12-31");
    expect(alignEnd("2027-04-15", undefined)).toBe("2027-04-15");
  });

  it("puts the deadline a cancellation period before the end date", () => {
    expect(deadlineOf("2027-06-30", "P3M")).toBe("2027-03-30");
    expect(deadlineOf("2027-05-31", "P3M")).toBe("2027-02-28");
    expect(deadlineOf("2027-04-30", "P30D")).toBe("2027-03-31");
  });

  it("counts renewal terms from the first end date so month ends do not drift", () => {
    expect(endOfTerm("2027-01-31", "P1M", 2, undefined)).toBe("2027-02-28");
    expect(endOfTerm("2027-01-31", "P1M", 3, undefined)).toBe("2027-03-31");
    expect(endOfTerm("2027-02-28", "P1Y", 2, "month")).toBe("2028-02-29");
  });

  it("resolves the first end date from a relative value, aligned, within the bounds", () => {
    const issues: FieldIssue[] = [];
    const created = new Date("2026-04-15T10:00:00Z");
    expect(resolveFirstTerm(yearly, "P1Y", created, "f", issues)).toEqual({
      endDate: "2027-06-30",
      deadline: "2027-03-30",
    });
    expect(resolveFirstTerm(yearly, undefined, created, "f", issues)?.endDate).toBe("2027-06-30");
    expect(resolveFirstTerm(yearly, "2028-12-31", created, "f", issues)?.endDate).toBe("2028-12-31");
    expect(issues).toEqual([]);
  });

  it("refuses first end dates outside the range, unaligned or of another kind, naming the rule", () => {
    const created = new Date("2026-04-15T10:00:00Z");
    const problem = (v: unknown) => {
      const issues: FieldIssue[] = [];
      expect(resolveFirstTerm(yearly, v, created, "f", issues)).toBeNull();
      return issues[0]!.message;
    };
    expect(problem("P6M")).toMatch(
      /outside this category's first end range P1Y .. P3Y \(2027-06-30 .. 2029-06-30\)/,
    );
    expect(problem("2029-12-31")).toMatch(/outside/);
    expect(problem("2027-08-15")).toMatch(/not the end of a quarter; .* e.g. 2027-09-30/);
    expect(problem(12)).toMatch(/must be a date/);
    const fixed: SubscriptionConfig = { ...yearly, firstEnd: { mode: "fixed", value: "P1Y" } };
    const issues: FieldIssue[] = [];
    expect(resolveFirstTerm(fixed, "P2Y", created, "f", issues)).toBeNull();
    expect(issues[0]!.message).toMatch(/differs from this category's fixed first end P1Y/);
  });

  it("owes one renewal per passed deadline, in order, and none on the deadline day", () => {
    const s = {
      status: "active" as const,
      term: 1,
      firstEnd: "2027-06-30",
      endDate: "2027-06-30",
      deadline: "2027-03-30",
      cancellationPeriod: "P3M",
      renewalTerm: "P1Y",
      alignTo: "quarter" as const,
    };
    expect(renewalsDue(s, "2027-03-30")).toEqual([]);
    expect(renewalsDue(s, "2027-03-31")).toEqual([
      {
        term: 2,
        startDate: "2027-07-01",
        endDate: "2028-06-30",
        deadline: "2028-03-30",
        effectiveDay: "2027-03-31",
      },
    ]);
    expect(renewalsDue(s, "2028-05-01").map((r) => [r.term, r.endDate, r.effectiveDay])).toEqual([
      [2, "2028-06-30", "2027-03-31"],
      [3, "2029-06-30", "2028-03-31"],
    ]);
    expect(renewalsDue({ ...s, status: "cancelled" as never }, "2028-05-01")).toEqual([]);
  });

  it("checks a configuration: durations, ranges and a deadline inside the term", () => {
    expect(checkSubscriptionConfig(yearly, "subscription")).toEqual([]);
    const bad = checkSubscriptionConfig(
      {
        type: "license",
        cancellationPeriod: "P1Y",
        firstEnd: { mode: "flexible", min: "P2Y", max: "P1Y" },
        renewalTerm: "P6M",
      },
      "subscription",
    ).map((i) => i.field);
    expect(bad).toEqual(["subscription.firstEnd.min", "subscription.renewalTerm"]);
    expect(
      checkSubscriptionConfig(
        { type: "license", cancellationPeriod: "3 months", firstEnd: { mode: "fixed", value: "P1M" } },
        "s",
      )[0],
    ).toEqual({ field: "s.cancellationPeriod", message: "3 months must be a duration such as P3M or P1Y" });
  });
});
