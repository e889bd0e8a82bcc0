import { createHash, createPrivateKey, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LicenseClaims } from "../../src/index.ts";
import type { VectorFile } from "../vectors/generate.ts";

const vectorsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "vectors");

/** The committed shared vectors. */
export const vectorFile = JSON.parse(readFileSync(join(vectorsDir, "vectors.json"), "utf8")) as VectorFile;

/** A TEST-ONLY private JWK of the vectors (see test/vectors/test-keys.TEST-ONLY.json). */
// A type alias, not an interface: node:crypto's JsonWebKey needs an index signature.
export type TestPrivateJwk = {
  kty: "OKP";
  crv: "Ed25519";
  kid: string;
  alg: "EdDSA";
  x: string;
  d: string;
};

/** The TEST-ONLY keys: `current` and `older` are in `vectorFile.jwks`, `impostor` and `retired` are not. */
export const testKeys = (
  JSON.parse(readFileSync(join(vectorsDir, "test-keys.TEST-ONLY.json"), "utf8")) as {
    keys: Record<"current" | "older" | "impostor" | "retired", { jwk: TestPrivateJwk }>;
  }
).keys;

export const sha256Hex = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/** Claims of a license valid around `now` for the device with `fingerprint`. */
export function claimsFor(
  fingerprint: string,
  now = new Date(),
  overrides: Partial<LicenseClaims> = {},
): LicenseClaims {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  return {
    iss: "https://licenses.example.test",
    sub: "license-1",
    jti: "activation-1",
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + 30 * 86_400,
    product: { code: 1001, name: "Licentra Demo" },
    expiresAt: "2099-12-31",
    maintenanceUntil: "2099-12-31",
    seats: 1,
    features: ["pro"],
    parameters: {},
    device: sha256Hex(fingerprint),
    version: 1,
    ...overrides,
  };
}

/** Signs a license file with a TEST-ONLY key (default: the current one), like the server does. */
export function signLicense(
  claims: object,
  options: { jwk?: TestPrivateJwk; header?: Record<string, unknown> } = {},
): string {
  const jwk = options.jwk ?? testKeys.current.jwk;
  const header = { alg: "EdDSA", typ: "licentra-license+jwt", kid: jwk.kid, ...options.header };
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const signingInput = `${encode(header)}.${encode(claims)}`;
  const signature = sign(null, Buffer.from(signingInput), createPrivateKey({ key: jwk, format: "jwk" }));
  return `${signingInput}.${signature.toString("base64url")}`;
}
