import { describe, expect, it } from "vitest";
import { applyCategoryRules, checkCategoryChanges } from "./category-rules.ts";
import type { FieldIssue } from "./errors.ts";
import type { ParameterDefinition } from "./parameters.ts";

const BASE = new Date("2026-11-30T10:00:00Z");
const expiresAt: ParameterDefinition = { key: "expiresAt", label: "Expires", type: "date", binding: "order" };
const seats: ParameterDefinition = {
  key: "seats",
  label: "Seats",
  type: "number",
  binding: "order",
  integer: true,
};
const edition: ParameterDefinition = {
  key: "edition",
  label: "Edition",
  type: "select",
  binding: "order",
  options: ["basic", "pro"],
};

function apply(
  defs: ParameterDefinition[],
  parameters: Record<string, unknown>,
  supplied: Record<string, unknown>,
) {
  const issues: FieldIssue[] = [];
  const out = applyCategoryRules(defs, { parameters } as never, supplied, BASE, "items.0.parameters", issues);
  return { out, issues };
}

describe("a flexible parameter left without a value", () => {
  it("is refused when the category caps the date: no expiry would never end", () => {
    const flexible = { mode: "flexible", input: "date", maxRelative: "P30D" };
    const omitted = apply([expiresAt], { expiresAt: flexible }, {});
    expect(omitted.issues).toEqual([
      {
        field: "items.0.parameters.expiresAt",
        message: "a date is required: no date never ends, and this category's maximum is P30D",
      },
    ]);
    expect(apply([expiresAt], { expiresAt: flexible }, { expiresAt: null }).issues).toHaveLength(1);
    expect(apply([expiresAt], { expiresAt: flexible }, { expiresAt: "P30D" }).issues).toEqual([]);
  });

  it("is allowed when the category sets only a minimum date", () => {
    const result = apply(
      [expiresAt],
      { expiresAt: { mode: "flexible", input: "date", minRelative: "P5D" } },
      {},
    );
    expect(result.issues).toEqual([]);
  });

  it("is refused for a number with a maximum, and for a select whose list lacks null", () => {
    expect(apply([seats], { seats: { mode: "flexible", input: "number", max: 10 } }, {}).issues).toHaveLength(
      1,
    );
    expect(apply([seats], { seats: { mode: "flexible", input: "number", min: 1 } }, {}).issues).toEqual([]);
    expect(apply([edition], { edition: { mode: "flexible", input: "select" } }, {}).issues).toHaveLength(1);
    const withNone = { mode: "flexible", input: "select", options: ["basic", null] };
    expect(apply([edition], { edition: withNone }, { edition: null }).issues).toEqual([]);
  });

  it("cannot be modified to no value beyond the category's maximum either", () => {
    const issues: FieldIssue[] = [];
    const config = {
      parameters: { expiresAt: { mode: "flexible", input: "date", maxRelative: "P30D" } },
    } as never;
    checkCategoryChanges([expiresAt], config, { expiresAt: null }, BASE, "parameters", issues);
    expect(issues.map((i) => i.field)).toEqual(["parameters.expiresAt"]);
  });
});
