import { describe, expect, it } from "vitest";
import { emailIssue, lockoutDelayMs, normalizeEmail, passwordIssue } from "./login.ts";

describe("lock-out delay", () => {
  it("does not delay the first four failures", () => {
    for (const n of [0, 1, 2, 3, 4]) expect(lockoutDelayMs(n)).toBe(0);
  });

  it("waits 30 s after the fifth failure and doubles with each further one", () => {
    expect(lockoutDelayMs(5)).toBe(30_000);
    expect(lockoutDelayMs(6)).toBe(60_000);
    expect(lockoutDelayMs(7)).toBe(120_000);
    expect(lockoutDelayMs(9)).toBe(480_000);
  });

  it("never waits longer than 15 minutes", () => {
    expect(lockoutDelayMs(10)).toBe(900_000);
    expect(lockoutDelayMs(1000)).toBe(900_000);
  });
});

describe("credentials", () => {
  it("requires passwords of at least 10 characters", () => {
    expect(passwordIssue("password", "short")?.message).toMatch(/at least 10 characters/);
    expect(passwordIssue("password", "long enough")).toBeNull();
  });

  it("compares emails lower-cased and trimmed", () => {
    expect(normalizeEmail("  Jane.Doe@Example.COM ")).toBe("jane.doe@example.com");
    expect(emailIssue("email", "jane@example.com")).toBeNull();
    expect(emailIssue("email", "not an email")?.field).toBe("email");
  });
});
