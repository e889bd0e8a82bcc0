import { describe, expect, it } from "vitest";
import type { FieldIssue } from "./errors.ts";
import {
  bindValues,
  checkDefinitions,
  checkValue,
  licenseTerms,
  type ParameterDefinition,
} from "./parameters.ts";

const defs: ParameterDefinition[] = [
  { key: "expiresAt", label: "Expiry", type: "date", binding: "order", default: "P30D" },
  { key: "seats", label: "Seats", type: "number", binding: "order", default: 1, max: 50 },
  {
    key: "features",
    label: "Features",
    type: "features",
    binding: "order",
    features: ["a", "b"],
    default: [],
  },
  { key: "tier", label: "Tier", type: "select", binding: "static", options: ["gold"], default: "gold" },
  { key: "trialEnd", label: "Trial end", type: "date", binding: "activation", default: "P14D" },
  { key: "note", label: "Note", type: "text", binding: "order", maxLength: 5, pattern: "[a-z]+" },
];

describe("parameters", () => {
  it("accepts a consistent product definition", () => {
    expect(checkDefinitions(defs)).toEqual([]);
  });

  it("checks each value against its type and bounds", () => {
    const seats = defs[1]!;
    expect(checkValue(seats, 3)).toBeNull();
    expect(checkValue(seats, 0)).toMatch(/below the minimum of 1/);
    expect(checkValue(seats, 51)).toMatch(/above the maximum of 50/);
    expect(checkValue(seats, 1.5)).toMatch(/must be an integer/);
    expect(checkValue(seats, "3")).toBe("must be a number");
    const note = defs[5]!;
    expect(checkValue(note, "abc")).toBeNull();
    expect(checkValue(note, "abcdef")).toMatch(/maximum is 5/);
    expect(checkValue(note, "AB")).toMatch(/does not match the pattern/);
    expect(checkValue(defs[2]!, ["a", "c"])).toMatch(/unknown feature\(s\) c/);
    expect(checkValue(defs[2]!, ["a", "a"])).toMatch(/twice/);
    expect(checkValue(defs[0]!, "2026-02-30")).toMatch(/must be a date/);
  });

  it("binds order values over defaults, resolves relative dates, and leaves activation values alone", () => {
    const issues: FieldIssue[] = [];
    const bound = bindValues(
      defs,
      ["order", "static"],
      { seats: 4, expiresAt: "P1Y" },
      new Date("2026-01-15T10:00:00Z"),
      "p",
      issues,
    );
    expect(issues).toEqual([]);
    expect(bound.values).toEqual({
      expiresAt: "2027-01-15",
      seats: 4,
      features: [],
      tier: "gold",
      note: null,
    });
    expect(bound.rules.expiresAt).toBe("P1Y");
    expect(bound.values).not.toHaveProperty("trialEnd");
  });

  it("refuses static, activation-specific and unknown keys at order time", () => {
    const issues: FieldIssue[] = [];
    bindValues(
      defs,
      ["order", "static"],
      { tier: "gold", trialEnd: "P1D", nope: 1 },
      new Date(),
      "p",
      issues,
    );
    expect(issues.map((i) => i.field).sort()).toEqual(["p.nope", "p.tier", "p.trialEnd"]);
  });

  it("binds activation values relative to the activation", () => {
    const issues: FieldIssue[] = [];
    const bound = bindValues(defs, "activation", {}, new Date("2026-05-01T00:00:00Z"), "p", issues);
    expect(bound.values).toEqual({ trialEnd: "2026-05-15" });
  });

  it("puts well-known keys on top and the rest under parameters", () => {
    expect(licenseTerms({ expiresAt: null, seats: 3, features: ["a"], note: "x" })).toEqual({
      expiresAt: null,
      maintenanceUntil: null,
      seats: 3,
      features: ["a"],
      parameters: { note: "x" },
    });
  });

  it("reports definitions that contradict their type", () => {
    const issues = checkDefinitions([
      { key: "seats", label: "S", type: "number", binding: "order", min: 0 },
      { key: "x", label: "X", type: "boolean", binding: "order", maxLength: 3 },
      { key: "1bad", label: "B", type: "text", binding: "order" },
      { key: "p", label: "P", type: "text", binding: "order", pattern: "(" },
      { key: "f", label: "F", type: "features", binding: "order" },
    ]);
    expect(issues.map((i) => i.field)).toEqual([
      "parameters.0.min",
      "parameters.1.maxLength",
      "parameters.2.key",
      "parameters.3.pattern",
      "parameters.4.features",
    ]);
  });
});
