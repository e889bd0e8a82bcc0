import { readFileSync } from "node:fs";
import { createVerifier } from "@licentra/client";
import { describe, expect, it } from "vitest";
import { checkFile } from "../src/crypto/license-file.ts";
import { dayOf } from "../src/domain/dates.ts";
import { checkLicenseState } from "../src/domain/validation.ts";

interface Vector {
  name: string;
  file: string;
  options: {
    now: string;
    fingerprint?: string;
    productCode?: number;
    buildDate?: string;
    features?: string[];
  };
  expected: { valid: boolean; code: string };
}

const shared = JSON.parse(
  readFileSync(new URL("../../client/test/vectors/vectors.json", import.meta.url), "utf8"),
) as {
  jwks: { keys: object[] };
  vectors: Vector[];
};

/**
 * The server's reading of the shared vectors: the file checks it runs before looking at its
 * database, then its own domain rules on the claims (expiry, maintenance, features).
 */
describe("shared license-file vectors, read by the server", () => {
  const verifier = createVerifier({ keys: shared.jwks as never });
  it.each(shared.vectors.map((v) => [v.name, v] as const))("%s", (_name, v) => {
    const now = new Date(v.options.now);
    const check = checkFile(verifier, v.file, {
      now,
      productCode: v.options.productCode,
      fingerprint: v.options.fingerprint,
    });
    const result = check.ok
      ? checkLicenseState(
          {
            revoked: false,
            expiresAt: check.claims.expiresAt,
            maintenanceUntil: check.claims.maintenanceUntil,
            features: check.claims.features,
          },
          { features: v.options.features, buildDate: v.options.buildDate },
          dayOf(now),
        )
      : check.outcome;
    expect({ valid: result.valid, code: result.code }).toEqual(v.expected);
  });
});
