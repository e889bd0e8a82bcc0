import { createHash, type KeyObject, sign, verify } from "node:crypto";
import type { ParameterValue } from "../domain/parameters.ts";

export const LICENSE_FILE_TYPE = "licentra-license+jwt";

/** The claims of a license file (docs/LICENSE-FILE.md). */
export interface LicenseClaims {
  iss: string;
  sub: string;
  jti: string;
  iat: number;
  nbf: number;
  exp?: number;
  product: { code: number; name: string };
  expiresAt: string | null;
  maintenanceUntil: string | null;
  seats: number;
  features: string[];
  parameters: Record<string, ParameterValue | null>;
  device: string;
  version: number;
}

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

export type DecodedFile =
  | { ok: true; kid: string; claims: LicenseClaims }
  | { ok: false; code: "BAD_SIGNATURE" | "UNKNOWN_KEY"; detail: string };

/** Checks form, key and signature of a license file; the rest is the caller's. */
export function verifyLicenseFileSignature(file: string, keys: ReadonlyMap<string, KeyObject>): DecodedFile {
  const parts = file.trim().split(".");
  if (parts.length !== 3)
    return { ok: false, code: "BAD_SIGNATURE", detail: "not a JWS compact serialization" };
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: unknown; typ?: unknown; kid?: unknown };
  let claims: LicenseClaims;
  try {
    header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
  } catch {
    return { ok: false, code: "BAD_SIGNATURE", detail: "header or payload is not base64url JSON" };
  }
  if (header.alg !== "EdDSA" || header.typ !== LICENSE_FILE_TYPE || typeof header.kid !== "string")
    return { ok: false, code: "BAD_SIGNATURE", detail: `not a ${LICENSE_FILE_TYPE} signed with EdDSA` };
  const key = keys.get(header.kid);
  if (!key)
    return { ok: false, code: "UNKNOWN_KEY", detail: `key ${header.kid} is not known (retired or foreign)` };
  if (!verify(null, Buffer.from(`${h}.${p}`), key, Buffer.from(s, "base64url")))
    return { ok: false, code: "BAD_SIGNATURE", detail: "the signature does not verify" };
  if (typeof claims !== "object" || claims === null || typeof claims.sub !== "string")
    return { ok: false, code: "BAD_SIGNATURE", detail: "the payload lacks the license claims" };
  return { ok: true, kid: header.kid, claims };
}
