import { createHash, createPublicKey, type KeyObject, verify as verifySignature } from "node:crypto";
import { isDay, toUtcDay, utcDay } from "./dates.ts";

/**
 * A validation outcome code. The server's `POST /api/v1/validate` and this SDK use the same codes,
 * checked in the order of this list (see docs/LICENSE-FILE.md); the first failing check decides.
 */
export type ValidationCode =
  /** The file is not a well-formed JWS of this type, or its signature does not verify. */
  | "BAD_SIGNATURE"
  /** The `kid` is not among the known public keys (retired or foreign key). */
  | "UNKNOWN_KEY"
  /** Now is before `nbf` (with leeway for clock skew). */
  | "NOT_YET_VALID"
  /** Now is after `exp`: the device must refresh the file online. */
  | "FILE_EXPIRED"
  /** The caller expects another product code. */
  | "PRODUCT_MISMATCH"
  /** The file was issued for another device. */
  | "FINGERPRINT_MISMATCH"
  /** Online only: the activation no longer exists or was returned, or the device has no activation. */
  | "NOT_ACTIVATED"
  /** Online only: the license was revoked. */
  | "REVOKED"
  /** Today (UTC) is after `expiresAt`. */
  | "EXPIRED"
  /** The caller's build date is after `maintenanceUntil`. */
  | "MAINTENANCE_EXPIRED"
  /** A feature the caller requires is not in `features`. */
  | "FEATURE_MISSING"
  /** Every check passed. */
  | "VALID";

/** Every validation code, in the order the checks run. */
export const VALIDATION_CODES: readonly ValidationCode[] = [
  "BAD_SIGNATURE",
  "UNKNOWN_KEY",
  "NOT_YET_VALID",
  "FILE_EXPIRED",
  "PRODUCT_MISMATCH",
  "FINGERPRINT_MISMATCH",
  "NOT_ACTIVATED",
  "REVOKED",
  "EXPIRED",
  "MAINTENANCE_EXPIRED",
  "FEATURE_MISSING",
  "VALID",
];

/** The `typ` header of a Licentra license file. */
export const LICENSE_FILE_TYPE = "licentra-license+jwt";

/** The claims of a license file, as documented in docs/LICENSE-FILE.md. */
export interface LicenseClaims {
  /** The issuing server's public URL. */
  iss: string;
  /** License id. */
  sub: string;
  /** Activation id. */
  jti: string;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** Not before, seconds since the epoch (equals `iat`). */
  nbf: number;
  /** End of the file's own validity, seconds since the epoch; absent for perpetual offline files. */
  exp?: number;
  /** The licensed product. */
  product: { code: number; name: string };
  /** Last day (UTC, `YYYY-MM-DD`) on which the license works; `null` = perpetual. */
  expiresAt: string | null;
  /** Builds released after this day (UTC, `YYYY-MM-DD`) are not covered; `null` = all builds. */
  maintenanceUntil: string | null;
  /** Devices that may be active at once. */
  seats: number;
  /** Enabled feature flags. */
  features: string[];
  /** Vendor-defined parameter values, by key. */
  parameters: Record<string, unknown>;
  /** Lowercase hex SHA-256 of the UTF-8 device fingerprint the activation was made for. */
  device: string;
  /** License version; increases when the license is modified or renewed. */
  version: number;
}

/** What the caller expects of a license file. Every option left out is not checked. */
export interface VerifyOptions {
  /** The moment to verify at; defaults to the current time. */
  now?: Date;
  /** This device's fingerprint (see `deviceFingerprint`); its SHA-256 must equal the `device` claim. */
  fingerprint?: string;
  /** The product code this software is; must equal `product.code`. */
  productCode?: number;
  /**
   * The release date of this build, `YYYY-MM-DD` (or any ISO date-time, or a `Date`; its UTC day
   * counts). A build after `maintenanceUntil` is not covered. An unparseable date is not covered.
   */
  buildDate?: string | Date;
  /** Features this software needs; every one must be in `features`. */
  features?: readonly string[];
  /** Tolerated clock skew for `nbf` and `exp`, in seconds; default 60. */
  leewaySeconds?: number;
}

/**
 * The outcome of an offline verification. `license` holds the claims whenever the signature
 * verified, so an invalid outcome can still say e.g. when the license expired; act on it only
 * when `valid` is true.
 */
export type VerificationResult =
  | { valid: true; code: "VALID"; detail: string; license: LicenseClaims }
  | { valid: false; code: Exclude<ValidationCode, "VALID">; detail: string; license?: LicenseClaims };

/** A JSON Web Key as found in a JWKS. Only Ed25519 public keys (`kty: OKP`, `crv: Ed25519`) are used. */
export interface JsonWebKeyInput {
  kty: string;
  kid?: string;
  crv?: string;
  x?: string;
  alg?: string;
  use?: string;
  [member: string]: unknown;
}

/** Public keys to verify with: a JWKS document (`{ keys: [...] }`, as served at `/.well-known/jwks.json`) or its key array. */
export type KeySetInput = { keys: readonly JsonWebKeyInput[] } | readonly JsonWebKeyInput[];

/** Verifies license files offline against a fixed set of public keys, imported once. */
export interface LicenseVerifier {
  /** The `kid`s of the imported keys. */
  readonly keyIds: readonly string[];
  /** Verifies a license file. Never throws: every outcome, including malformed input, is a result. */
  verify(file: string, options?: VerifyOptions): VerificationResult;
}

const DEFAULT_LEEWAY_SECONDS = 60;
const SIGNATURE_SEGMENT = /^[A-Za-z0-9_-]{86}$/;

/**
 * Imports the Ed25519 public keys of a JWKS once and returns a verifier that checks license files
 * against them. Keys of other types or algorithms are ignored, so a JWKS may carry them.
 *
 * @throws TypeError when `keys` is not a JWKS or key array, when an Ed25519 key has no `kid` or
 *   cannot be imported, or when two Ed25519 keys share a `kid`.
 */
export function createVerifier(options: { keys: KeySetInput }): LicenseVerifier {
  const keys = importKeys(options.keys);
  const keyIds = Object.freeze([...keys.keys()]);
  let lastFingerprint: string | undefined;
  let lastFingerprintHash = "";

  const hashFingerprint = (fingerprint: string): string => {
    if (fingerprint !== lastFingerprint) {
      lastFingerprintHash = createHash("sha256").update(fingerprint, "utf8").digest("hex");
      lastFingerprint = fingerprint;
    }
    return lastFingerprintHash;
  };

  const verify = (file: string, verifyOptions: VerifyOptions = {}): VerificationResult => {
    try {
      return verifyFile(file, verifyOptions, keys, hashFingerprint);
    } catch (error) {
      return fail("BAD_SIGNATURE", `the license file could not be verified: ${(error as Error).message}`);
    }
  };

  return { keyIds, verify };
}

const verifierCache = new WeakMap<object, LicenseVerifier>();

/**
 * Verifies one license file offline. The keys are imported on the first call for a given `keys`
 * object and reused while that object lives (a key set changed in place afterwards is not
 * re-read); for many files, prefer `createVerifier`.
 *
 * @throws TypeError when `keys` is malformed (see `createVerifier`); never for the file itself.
 */
export function verifyLicenseFile(
  file: string,
  keys: KeySetInput,
  options?: VerifyOptions,
): VerificationResult {
  let verifier = verifierCache.get(keys);
  if (verifier === undefined) {
    verifier = createVerifier({ keys });
    verifierCache.set(keys, verifier);
  }
  return verifier.verify(file, options);
}

function importKeys(input: KeySetInput): Map<string, KeyObject> {
  const list = Array.isArray(input) ? input : (input as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) {
    throw new TypeError("keys must be a JWKS ({ keys: [...] }) or an array of JWKs");
  }
  const keys = new Map<string, KeyObject>();
  for (const jwk of list as JsonWebKeyInput[]) {
    if (jwk?.kty !== "OKP" || jwk.crv !== "Ed25519") continue;
    if (jwk.alg !== undefined && jwk.alg !== "EdDSA" && jwk.alg !== "Ed25519") continue;
    if (jwk.use !== undefined && jwk.use !== "sig") continue;
    if (typeof jwk.kid !== "string" || jwk.kid === "") {
      throw new TypeError(
        "every Ed25519 key in the JWKS needs a kid, which license files name in their header",
      );
    }
    if (keys.has(jwk.kid)) {
      throw new TypeError(`two Ed25519 keys share the kid "${jwk.kid}"; each kid must name one key`);
    }
    try {
      keys.set(jwk.kid, createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: jwk.x }, format: "jwk" }));
    } catch (error) {
      throw new TypeError(`the Ed25519 key "${jwk.kid}" cannot be imported: ${(error as Error).message}`);
    }
  }
  return keys;
}

function verifyFile(
  file: string,
  options: VerifyOptions,
  keys: Map<string, KeyObject>,
  hashFingerprint: (fingerprint: string) => string,
): VerificationResult {
  if (typeof file !== "string") return fail("BAD_SIGNATURE", "the license file is not a string");
  const jws = file.trim();
  const dot1 = jws.indexOf(".");
  const dot2 = dot1 < 0 ? -1 : jws.indexOf(".", dot1 + 1);
  if (dot2 < 0 || jws.indexOf(".", dot2 + 1) >= 0) {
    return fail(
      "BAD_SIGNATURE",
      "the license file is not a JWS in compact serialization (header.payload.signature)",
    );
  }
  const header = decodeSegment(jws.slice(0, dot1));
  if (header === undefined) return fail("BAD_SIGNATURE", "the JWS header is not base64url-encoded JSON");
  if (header.alg !== "EdDSA")
    return fail("BAD_SIGNATURE", `the JWS alg is ${String(header.alg)}, expected EdDSA`);
  if (header.typ !== LICENSE_FILE_TYPE && normalizeType(header.typ) !== LICENSE_FILE_TYPE) {
    return fail("BAD_SIGNATURE", `the JWS typ is ${String(header.typ)}, expected ${LICENSE_FILE_TYPE}`);
  }
  if (header.crit !== undefined)
    return fail("BAD_SIGNATURE", "the JWS header has critical extensions (crit)");
  if (typeof header.kid !== "string") return fail("BAD_SIGNATURE", "the JWS header has no kid");
  const signature = jws.slice(dot2 + 1);
  if (!SIGNATURE_SEGMENT.test(signature)) {
    return fail("BAD_SIGNATURE", "the signature is not a base64url-encoded 64-byte Ed25519 signature");
  }

  const key = keys.get(header.kid);
  if (key === undefined) {
    return fail(
      "UNKNOWN_KEY",
      `the file is signed by key "${header.kid}", which is not among the known keys`,
    );
  }
  // UTF-8, not latin1: a non-ASCII character must change the signed bytes, never map onto them.
  const signingInput = Buffer.from(jws.slice(0, dot2), "utf8");
  if (!verifySignature(null, signingInput, key, Buffer.from(signature, "base64url"))) {
    return fail("BAD_SIGNATURE", `the signature does not verify with key "${header.kid}"`);
  }

  const payload = decodeSegment(jws.slice(dot1 + 1, dot2));
  if (payload === undefined) return fail("BAD_SIGNATURE", "the JWS payload is not base64url-encoded JSON");
  const problem = claimsProblem(payload);
  if (problem !== undefined) return fail("BAD_SIGNATURE", `the license claims are malformed: ${problem}`);
  const license = payload as unknown as LicenseClaims;

  const nowMs = (options.now ?? new Date()).getTime();
  const nowSeconds = Math.floor(nowMs / 1000);
  const leeway = options.leewaySeconds ?? DEFAULT_LEEWAY_SECONDS;
  if (license.nbf > nowSeconds + leeway) {
    return fail("NOT_YET_VALID", `the file is not valid before ${isoSeconds(license.nbf)}`, license);
  }
  if (license.exp !== undefined && license.exp <= nowSeconds - leeway) {
    return fail("FILE_EXPIRED", `the file expired at ${isoSeconds(license.exp)}; refresh it online`, license);
  }
  if (options.productCode !== undefined && license.product.code !== options.productCode) {
    return fail(
      "PRODUCT_MISMATCH",
      `the file is for product ${license.product.code}, expected product ${options.productCode}`,
      license,
    );
  }
  if (
    options.fingerprint !== undefined &&
    hashFingerprint(options.fingerprint) !== license.device.toLowerCase()
  ) {
    return fail("FINGERPRINT_MISMATCH", "the file was issued for another device", license);
  }
  if (license.expiresAt !== null && utcDay(nowMs) > license.expiresAt) {
    return fail("EXPIRED", `the license expired at the end of ${license.expiresAt} (UTC)`, license);
  }
  if (options.buildDate !== undefined && license.maintenanceUntil !== null) {
    const buildDay = toUtcDay(options.buildDate);
    if (buildDay === undefined) {
      return fail(
        "MAINTENANCE_EXPIRED",
        `the build date ${String(options.buildDate)} is not a valid date`,
        license,
      );
    }
    if (buildDay > license.maintenanceUntil) {
      return fail(
        "MAINTENANCE_EXPIRED",
        `this build (${buildDay}) is after the end of maintenance on ${license.maintenanceUntil}`,
        license,
      );
    }
  }
  if (options.features !== undefined) {
    const missing = options.features.filter((feature) => !license.features.includes(feature));
    if (missing.length > 0) {
      return fail(
        "FEATURE_MISSING",
        `the license lacks the required features: ${missing.join(", ")}`,
        license,
      );
    }
  }
  return {
    valid: true,
    code: "VALID",
    detail: `license ${license.sub} of product ${license.product.code} is valid`,
    license,
  };
}

function fail(
  code: Exclude<ValidationCode, "VALID">,
  detail: string,
  license?: LicenseClaims,
): VerificationResult {
  return license === undefined ? { valid: false, code, detail } : { valid: false, code, detail, license };
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 7515 §4.1.9: media types are case-insensitive and may omit the `application/` prefix. */
function normalizeType(typ: unknown): string | undefined {
  if (typeof typ !== "string") return undefined;
  const lower = typ.toLowerCase();
  return lower.startsWith("application/") ? lower.slice("application/".length) : lower;
}

function claimsProblem(claims: Record<string, unknown>): string | undefined {
  for (const name of ["iss", "sub", "jti", "device"] as const) {
    if (typeof claims[name] !== "string") return `${name} must be a string`;
  }
  for (const name of ["iat", "nbf", "seats", "version"] as const) {
    if (!Number.isFinite(claims[name])) return `${name} must be a number`;
  }
  if (claims.exp !== undefined && !Number.isFinite(claims.exp)) return "exp must be a number when present";
  const product = claims.product as { code?: unknown; name?: unknown } | null;
  if (typeof product !== "object" || product === null || !Number.isInteger(product.code)) {
    return "product must be { code: integer, name: string }";
  }
  if (typeof product.name !== "string") return "product.name must be a string";
  for (const name of ["expiresAt", "maintenanceUntil"] as const) {
    const value = claims[name];
    if (value !== null && !isDay(value)) {
      return `${name} must be a YYYY-MM-DD date or null`;
    }
  }
  const features = claims.features;
  if (!Array.isArray(features) || !features.every((feature) => typeof feature === "string")) {
    return "features must be an array of strings";
  }
  const parameters = claims.parameters;
  if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters)) {
    return "parameters must be an object";
  }
  return undefined;
}

function isoSeconds(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? `${seconds} s after the epoch` : date.toISOString();
}
