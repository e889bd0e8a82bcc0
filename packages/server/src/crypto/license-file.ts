import { createHash, type KeyObject, sign } from "node:crypto";
import { LICENSE_FILE_TYPE, type LicenseClaims, type LicenseVerifier } from "@licentra/client";
import type { ValidationOutcome } from "../domain/validation.ts";

/** The claims of a license file (docs/LICENSE-FILE.md): one definition, the SDK's, for both sides. */
export type { LicenseClaims };

/** The `device` claim: lowercase hex SHA-256 of the fingerprint as the device reported it. */
export function deviceHash(fingerprint: string): string {
  return createHash("sha256").update(fingerprint, "utf8").digest("hex");
}

/** Signs claims into a JWS compact serialization with an Ed25519 private key. */
export function signLicenseFile(claims: LicenseClaims, kid: string, privateKey: KeyObject): string {
  const header = Buffer.from(JSON.stringify({ alg: "EdDSA", typ: LICENSE_FILE_TYPE, kid })).toString(
    "base64url",
  );
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const input = `${header}.${payload}`;
  const sig = sign(null, Buffer.from(input), privateKey).toString("base64url");
  return `${input}.${sig}`;
}

/** What the file alone says, before the server's own state is consulted. */
export type FileCheck =
  | { ok: false; outcome: ValidationOutcome; claims: LicenseClaims | undefined }
  | { ok: true; claims: LicenseClaims };

/** Codes a file earns by itself: its form, key, signature, validity window, product and device. */
const FILE_CODES = new Set([
  "BAD_SIGNATURE",
  "UNKNOWN_KEY",
  "NOT_YET_VALID",
  "FILE_EXPIRED",
  "PRODUCT_MISMATCH",
  "FINGERPRINT_MISMATCH",
]);

/**
 * Checks a license file with the client SDK's verifier (one implementation of the format for
 * both sides), up to the device check. The license's state (expiry, revocation, maintenance,
 * features) is left to the caller, who knows the current values.
 */
export function checkFile(
  verifier: LicenseVerifier,
  file: string,
  options: { now: Date; productCode?: number; fingerprint?: string },
): FileCheck {
  const r = verifier.verify(file, options);
  if (FILE_CODES.has(r.code))
    return {
      ok: false,
      outcome: { valid: false, code: r.code, detail: r.detail },
      claims: r.license as LicenseClaims | undefined,
    };
  return { ok: true, claims: r.license as LicenseClaims };
}
