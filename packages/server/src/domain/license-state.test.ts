import { describe, expect, it } from "vitest";
import { licenseState } from "./license-state.ts";

describe("a license's state", () => {
  it("is revoked for good, expired only after its expiry day, and active otherwise", () => {
    expect(licenseState({ status: "revoked", expires_at: "2030-01-01" }, "2026-11-30")).toBe("revoked");
    expect(licenseState({ status: "active", expires_at: "2026-11-30" }, "2026-11-30")).toBe("active");
    expect(licenseState({ status: "active", expires_at: "2026-11-29" }, "2026-11-30")).toBe("expired");
    expect(licenseState({ status: "active", expires_at: null }, "2099-01-01")).toBe("active");
  });
});
