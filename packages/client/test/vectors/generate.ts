/**
 * Generates the shared license-file test vectors, `vectors.json` (and their public keys alone,
 * `jwks.json`), from the TEST-ONLY keys in `test-keys.TEST-ONLY.json`. Both the SDK's and the
 * server's tests read `vectors.json`, so both sides agree on the format, the check order and the
 * codes of docs/LICENSE-FILE.md.
 *
 *   npx tsx packages/client/test/vectors/generate.ts
 *
 * The output is deterministic (fixed timestamps; Ed25519 signatures are deterministic), and a
 * test fails when the committed files differ from what this script generates.
 * Signing uses node:crypto directly, not the SDK, so the vectors do not depend on the code they test.
 */
import { createHash, createPrivateKey, sign } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** Where the generated vectors are committed. */
export const VECTORS_PATH = join(here, "vectors.json");
/** Where the vectors' JWKS is committed on its own, as a server would publish it. */
export const JWKS_PATH = join(here, "jwks.json");

// A type alias, not an interface: node:crypto's JsonWebKey needs an index signature.
type TestJwk = {
  kty: "OKP";
  crv: "Ed25519";
  kid: string;
  alg: "EdDSA";
  x: string;
  d: string;
};

/** The options a vector is verified with; `now` is an ISO date-time. */
export interface VectorOptions {
  now: string;
  fingerprint?: string;
  productCode?: number;
  buildDate?: string;
  features?: string[];
}

/** One test vector. */
export interface Vector {
  name: string;
  description: string;
  file: string;
  options: VectorOptions;
  expected: { valid: boolean; code: string };
}

/** The content of `vectors.json`. */
export interface VectorFile {
  $comment: string;
  jwks: { keys: Array<Omit<TestJwk, "d"> & { use: "sig" }> };
  vectors: Vector[];
}

const testKeys = JSON.parse(readFileSync(join(here, "test-keys.TEST-ONLY.json"), "utf8")) as {
  keys: Record<"current" | "older" | "impostor" | "retired", { jwk: TestJwk }>;
};

const seconds = (iso: string): number => Date.parse(iso) / 1000;
const sha256Hex = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");
const base64url = (text: string): string => Buffer.from(text, "utf8").toString("base64url");

/** The raw fingerprint of the licensed device, as `deviceFingerprint({ salt: 1001, machineId })` computes it. */
const FINGERPRINT = sha256Hex("1001:4c1e2b1a9f0d4e6b8a7c3d2e1f0a9b8c");
const OTHER_FINGERPRINT = sha256Hex("1001:0a0b0c0d0e0f00112233445566778899");

const ISSUED = "2026-06-01T00:00:00.000Z";
const FILE_EXPIRES = "2026-07-01T00:00:00.000Z";
const NOW = "2026-06-15T12:00:00.000Z";

const baseClaims = {
  iss: "https://licenses.example.test",
  sub: "0197a0f2-6c00-7000-8000-000000000001",
  jti: "0197a0f2-6c00-7000-8000-0000000000a1",
  iat: seconds(ISSUED),
  nbf: seconds(ISSUED),
  exp: seconds(FILE_EXPIRES),
  product: { code: 1001, name: "Licentra Demo" },
  expiresAt: "2027-05-31" as string | null,
  maintenanceUntil: "2026-12-31" as string | null,
  seats: 3,
  features: ["export", "pro"],
  parameters: { edition: "professional", region: "EU" },
  device: sha256Hex(FINGERPRINT),
  version: 2,
};
type Claims = Omit<typeof baseClaims, "exp"> & { exp?: number };

const header = (kid: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  alg: "EdDSA",
  typ: "licentra-license+jwt",
  kid,
  ...overrides,
});

function signCompact(jwk: TestJwk, protectedHeader: Record<string, unknown>, payload: string): string {
  const signingInput = `${base64url(JSON.stringify(protectedHeader))}.${base64url(payload)}`;
  const key = createPrivateKey({ key: jwk, format: "jwk" });
  return `${signingInput}.${sign(null, Buffer.from(signingInput, "ascii"), key).toString("base64url")}`;
}

const { current, older, impostor, retired } = testKeys.keys;
const licenseFile = (claims: Claims = baseClaims, jwk: TestJwk = current.jwk): string =>
  signCompact(jwk, header(jwk.kid), JSON.stringify(claims));

/** Every option satisfied by the base file. */
const allOptions: VectorOptions = {
  now: NOW,
  fingerprint: FINGERPRINT,
  productCode: 1001,
  buildDate: "2026-06-10",
  features: ["pro"],
};

const valid = { valid: true, code: "VALID" };
const invalid = (code: string) => ({ valid: false, code });

/** Builds the vector file. Pure: the same keys give the same output. */
export function buildVectors(): VectorFile {
  const base = licenseFile();
  const [baseHeader, basePayload, baseSignature] = base.split(".") as [string, string, string];

  const lastDayFile = licenseFile({
    ...baseClaims,
    iat: seconds("2027-05-20T00:00:00.000Z"),
    nbf: seconds("2027-05-20T00:00:00.000Z"),
    exp: seconds("2027-06-19T00:00:00.000Z"),
  });
  const { exp: _perpetualExp, ...perpetualBase } = baseClaims;
  const perpetualFile = licenseFile({ ...perpetualBase, expiresAt: null, maintenanceUntil: null });

  const tamperedPayload = base64url(JSON.stringify({ ...baseClaims, seats: 100 }));
  const signatureBytes = Buffer.from(baseSignature, "base64url");
  signatureBytes[10] = (signatureBytes[10] ?? 0) ^ 0x01;

  const vectors: Vector[] = [
    {
      name: "valid",
      description: "a file of the current key, checked against every option, all satisfied",
      file: base,
      options: allOptions,
      expected: valid,
    },
    {
      name: "valid-without-expectations",
      description: "only the time is checked when the caller states no expectations",
      file: base,
      options: { now: NOW },
      expected: valid,
    },
    {
      name: "valid-signed-by-older-key",
      description: "an older key still in the JWKS verifies its files (key rotation)",
      file: licenseFile(baseClaims, older.jwk),
      options: allOptions,
      expected: valid,
    },
    {
      name: "valid-perpetual",
      description: "no exp, expiresAt and maintenanceUntil null: valid years later, for any build",
      file: perpetualFile,
      options: { ...allOptions, now: "2040-01-01T00:00:00.000Z", buildDate: "2039-12-31" },
      expected: valid,
    },
    {
      name: "valid-on-last-day",
      description: "the license works through the end (UTC) of its expiresAt day",
      file: lastDayFile,
      options: { ...allOptions, now: "2027-05-31T23:59:59.999Z" },
      expected: valid,
    },
    {
      name: "expired",
      description: "today (UTC) is after expiresAt",
      file: lastDayFile,
      options: { ...allOptions, now: "2027-06-01T00:00:00.000Z" },
      expected: invalid("EXPIRED"),
    },
    {
      name: "valid-within-leeway-before-nbf",
      description: "30 s before nbf is within the 60 s leeway",
      file: base,
      options: { ...allOptions, now: "2026-05-31T23:59:30.000Z" },
      expected: valid,
    },
    {
      name: "not-yet-valid",
      description: "more than 60 s before nbf",
      file: base,
      options: { ...allOptions, now: "2026-05-31T23:58:00.000Z" },
      expected: invalid("NOT_YET_VALID"),
    },
    {
      name: "valid-within-leeway-after-exp",
      description: "30 s after exp is within the 60 s leeway",
      file: base,
      options: { ...allOptions, now: "2026-07-01T00:00:30.000Z" },
      expected: valid,
    },
    {
      name: "file-expired",
      description: "more than 60 s after exp: the device must refresh online",
      file: base,
      options: { ...allOptions, now: "2026-07-01T00:02:00.000Z" },
      expected: invalid("FILE_EXPIRED"),
    },
    {
      name: "tampered-payload",
      description: "the payload was changed (seats 3 → 100) after signing",
      file: `${baseHeader}.${tamperedPayload}.${baseSignature}`,
      options: allOptions,
      expected: invalid("BAD_SIGNATURE"),
    },
    {
      name: "tampered-signature",
      description: "one bit of the signature flipped",
      file: `${baseHeader}.${basePayload}.${signatureBytes.toString("base64url")}`,
      options: allOptions,
      expected: invalid("BAD_SIGNATURE"),
    },
    {
      name: "wrong-key-same-kid",
      description: "signed by another key that claims the kid of the current key",
      file: licenseFile(baseClaims, impostor.jwk),
      options: allOptions,
      expected: invalid("BAD_SIGNATURE"),
    },
    {
      name: "unknown-kid",
      description: "signed by a key whose kid is not in the JWKS (retired or foreign)",
      file: licenseFile(baseClaims, retired.jwk),
      options: allOptions,
      expected: invalid("UNKNOWN_KEY"),
    },
    {
      name: "wrong-device",
      description: "the file was issued for another device's fingerprint",
      file: base,
      options: { ...allOptions, fingerprint: OTHER_FINGERPRINT },
      expected: invalid("FINGERPRINT_MISMATCH"),
    },
    {
      name: "product-mismatch",
      description: "the caller is product 1002, the file is for 1001",
      file: base,
      options: { ...allOptions, productCode: 1002 },
      expected: invalid("PRODUCT_MISMATCH"),
    },
    {
      name: "maintenance-covers-build-on-last-day",
      description: "a build released on the maintenanceUntil day is covered",
      file: base,
      options: { ...allOptions, buildDate: "2026-12-31" },
      expected: valid,
    },
    {
      name: "maintenance-expired",
      description: "the build was released after maintenanceUntil",
      file: base,
      options: { ...allOptions, buildDate: "2027-01-01" },
      expected: invalid("MAINTENANCE_EXPIRED"),
    },
    {
      name: "feature-missing",
      description: "the caller requires a feature (cloud) the license lacks",
      file: base,
      options: { ...allOptions, features: ["pro", "cloud"] },
      expected: invalid("FEATURE_MISSING"),
    },
    {
      name: "malformed-not-a-jws",
      description: "arbitrary text",
      file: "this is not a license file",
      options: allOptions,
      expected: invalid("BAD_SIGNATURE"),
    },
    {
      name: "malformed-empty",
      description: "an empty file",
      file: "",
      options: allOptions,
      expected: invalid("BAD_SIGNATURE"),
    },
    {
      name: "malformed-four-segments",
      description: "a fourth segment appended",
      file: `${base}.${baseSignature}`,
      options: allOptions,
      expected: invalid("BAD_SIGNATURE"),
    },
    {
      name: "malformed-header-not-json",
      description: "the header segment does not decode to JSON",
      file: `${base64url("not json")}.${basePayload}.${baseSignature}`,
      options: allOptions,
      expected: invalid("BAD_SIGNATURE"),
    },
    {
      name: "malformed-payload-not-json",
      description: "a correctly signed JWS whose payload is not JSON",
      file: signCompact(current.jwk, header(current.jwk.kid), "not json"),
      options: allOptions,
      expected: invalid("BAD_SIGNATURE"),
    },
    {
      name: "malformed-claims",
      description: "a correctly signed file whose expiresAt is not a YYYY-MM-DD date",
      file: licenseFile({ ...baseClaims, expiresAt: "31.05.2027" }),
      options: allOptions,
      expected: invalid("BAD_SIGNATURE"),
    },
    {
      name: "wrong-typ",
      description: "a correctly signed JWT of another type (typ JWT)",
      file: signCompact(current.jwk, header(current.jwk.kid, { typ: "JWT" }), JSON.stringify(baseClaims)),
      options: allOptions,
      expected: invalid("BAD_SIGNATURE"),
    },
    {
      name: "alg-none",
      description: "an unsigned JWS (alg none) must never be accepted",
      file: `${base64url(JSON.stringify(header(current.jwk.kid, { alg: "none" })))}.${basePayload}.`,
      options: allOptions,
      expected: invalid("BAD_SIGNATURE"),
    },
    {
      name: "order-file-expired-before-product-mismatch",
      description: "FILE_EXPIRED is checked before PRODUCT_MISMATCH",
      file: base,
      options: { ...allOptions, now: "2026-08-01T00:00:00.000Z", productCode: 1002 },
      expected: invalid("FILE_EXPIRED"),
    },
    {
      name: "order-product-before-fingerprint",
      description: "PRODUCT_MISMATCH is checked before FINGERPRINT_MISMATCH",
      file: base,
      options: { ...allOptions, productCode: 1002, fingerprint: OTHER_FINGERPRINT },
      expected: invalid("PRODUCT_MISMATCH"),
    },
    {
      name: "order-fingerprint-before-expired",
      description: "FINGERPRINT_MISMATCH is checked before EXPIRED",
      file: lastDayFile,
      options: { ...allOptions, now: "2027-06-02T00:00:00.000Z", fingerprint: OTHER_FINGERPRINT },
      expected: invalid("FINGERPRINT_MISMATCH"),
    },
    {
      name: "order-expired-before-maintenance",
      description: "EXPIRED is checked before MAINTENANCE_EXPIRED",
      file: lastDayFile,
      options: { ...allOptions, now: "2027-06-02T00:00:00.000Z", buildDate: "2027-03-01" },
      expected: invalid("EXPIRED"),
    },
    {
      name: "order-maintenance-before-feature",
      description: "MAINTENANCE_EXPIRED is checked before FEATURE_MISSING",
      file: base,
      options: { ...allOptions, buildDate: "2027-01-01", features: ["cloud"] },
      expected: invalid("MAINTENANCE_EXPIRED"),
    },
  ];

  const publicJwk = ({ d: _d, ...jwk }: TestJwk) => ({ ...jwk, use: "sig" as const });
  return {
    $comment:
      "Generated by generate.ts from TEST-ONLY keys; do not edit. Shared by the SDK's and the server's tests.",
    jwks: { keys: [publicJwk(current.jwk), publicJwk(older.jwk)] },
    vectors,
  };
}

/** The exact text of `vectors.json`. */
export function renderVectors(): string {
  return `${JSON.stringify(buildVectors(), null, 2)}\n`;
}

/** The exact text of `jwks.json`: the public keys of `vectors.json`, as `/.well-known/jwks.json` serves them. */
export function renderJwks(): string {
  return `${JSON.stringify(buildVectors().jwks, null, 2)}\n`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(VECTORS_PATH, renderVectors());
  writeFileSync(JWKS_PATH, renderJwks());
  console.log(
    `wrote ${buildVectors().vectors.length} vectors to ${VECTORS_PATH} and their keys to ${JWKS_PATH}`,
  );
}
