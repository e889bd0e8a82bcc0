import { describe, expect, it } from "vitest";
import { createVerifier, type JsonWebKeyInput, verifyLicenseFile } from "../src/index.ts";
import { claimsFor, signLicense, testKeys, vectorFile } from "./support/fixtures.ts";

const vector = (name: string) => vectorFile.vectors.find((candidate) => candidate.name === name)!;
const publicJwk = ({ d: _d, ...jwk }: { d: string } & JsonWebKeyInput) => jwk;

describe("createVerifier", () => {
  it("imports a JWKS document and a bare key array alike", () => {
    expect(createVerifier({ keys: vectorFile.jwks }).keyIds).toEqual(["test-2026", "test-2025"]);
    expect(createVerifier({ keys: vectorFile.jwks.keys }).keyIds).toEqual(["test-2026", "test-2025"]);
  });

  it("ignores keys that cannot sign license files", () => {
    const keys = [
      { kty: "RSA", kid: "rsa", n: "AQAB", e: "AQAB" },
      { kty: "OKP", crv: "X25519", kid: "x25519", x: testKeys.current.jwk.x },
      { ...publicJwk(testKeys.older.jwk), use: "enc" },
      publicJwk(testKeys.current.jwk),
    ];
    expect(createVerifier({ keys }).keyIds).toEqual(["test-2026"]);
  });

  it("rejects a key set that is not a JWKS", () => {
    expect(() => createVerifier({ keys: { keys: "none" } as never })).toThrow(TypeError);
    expect(() => createVerifier({ keys: null as never })).toThrow(/JWKS/);
  });

  it("rejects an Ed25519 key without kid, two keys with one kid, and a key that does not import", () => {
    const { kid: _kid, ...withoutKid } = publicJwk(testKeys.current.jwk);
    expect(() => createVerifier({ keys: [withoutKid as JsonWebKeyInput] })).toThrow(/needs a kid/);
    expect(() =>
      createVerifier({ keys: [publicJwk(testKeys.current.jwk), publicJwk(testKeys.impostor.jwk)] }),
    ).toThrow(/share the kid "test-2026"/);
    expect(() => createVerifier({ keys: [{ kty: "OKP", crv: "Ed25519", kid: "bad", x: "AAAA" }] })).toThrow(
      /"bad" cannot be imported/,
    );
  });

  it("with no keys, calls every file's key unknown", () => {
    expect(createVerifier({ keys: [] }).verify(vector("valid").file).code).toBe("UNKNOWN_KEY");
  });
});

describe("verify", () => {
  const verifier = createVerifier({ keys: vectorFile.jwks });
  const fingerprint = "fingerprint-of-this-device";

  it("returns the license claims with a valid outcome", () => {
    const claims = claimsFor(fingerprint);
    const result = verifier.verify(signLicense(claims), { fingerprint, productCode: 1001 });
    expect(result).toEqual({ valid: true, code: "VALID", detail: expect.any(String), license: claims });
  });

  it("still returns the claims of a verified but invalid file, so the caller can explain", () => {
    const result = verifier.verify(vector("expired").file, { now: new Date(vector("expired").options.now) });
    expect(result).toMatchObject({ valid: false, code: "EXPIRED", license: { expiresAt: "2027-05-31" } });
    expect(result.detail).toContain("2027-05-31");
  });

  it("returns no claims when the signature does not verify", () => {
    expect(verifier.verify(vector("tampered-payload").file).license).toBeUndefined();
  });

  it("accepts a file with surrounding whitespace, as read from disk", () => {
    const file = signLicense(claimsFor(fingerprint));
    expect(verifier.verify(`\n ${file}\r\n`, { fingerprint }).code).toBe("VALID");
  });

  it("accepts the typ with the application/ prefix and in any case (RFC 7515 §4.1.9)", () => {
    const file = signLicense(claimsFor(fingerprint), { header: { typ: "application/Licentra-License+JWT" } });
    expect(verifier.verify(file).code).toBe("VALID");
  });

  it("rejects a file with critical header extensions it does not understand", () => {
    const file = signLicense(claimsFor(fingerprint), { header: { crit: ["b64"], b64: true } });
    expect(verifier.verify(file)).toMatchObject({
      code: "BAD_SIGNATURE",
      detail: expect.stringMatching(/crit/),
    });
  });

  it("rejects a signature with characters outside base64url", () => {
    const file = signLicense(claimsFor(fingerprint));
    const broken = `${file.slice(0, -2)}+/`;
    expect(verifier.verify(broken).code).toBe("BAD_SIGNATURE");
  });

  it("rejects non-ASCII characters that a latin1 decoding would map onto the signed bytes", () => {
    const file = signLicense(claimsFor(fingerprint));
    const at = file.indexOf(".") + 5;
    const smuggled = `${file.slice(0, at)}${String.fromCharCode(file.charCodeAt(at) + 0x100)}${file.slice(at + 1)}`;
    expect(verifier.verify(smuggled).code).toBe("BAD_SIGNATURE");
  });

  it("never throws, whatever it is given", () => {
    const garbage: unknown[] = [
      undefined,
      null,
      42,
      {},
      "a.b.c",
      "..",
      `${Buffer.from("[]").toString("base64url")}.e30.${"A".repeat(86)}`,
      `${Buffer.from('{"alg":"EdDSA","typ":"licentra-license+jwt","kid":{}}').toString("base64url")}.e30.${"A".repeat(86)}`,
      "x".repeat(1_000_000),
    ];
    for (const file of garbage) {
      const result = verifier.verify(file as string);
      expect(result).toMatchObject({
        valid: false,
        code: expect.stringMatching(/BAD_SIGNATURE|UNKNOWN_KEY/),
      });
    }
  });

  it("reports every missing feature", () => {
    const result = verifier.verify(signLicense(claimsFor(fingerprint, new Date(), { features: ["pro"] })), {
      features: ["pro", "cloud", "export"],
    });
    expect(result).toMatchObject({
      code: "FEATURE_MISSING",
      detail: expect.stringContaining("cloud, export"),
    });
  });

  it("compares the fingerprint's hash with the device claim, for each fingerprint it is given", () => {
    const file = signLicense(claimsFor(fingerprint));
    for (const [given, code] of [
      [fingerprint, "VALID"],
      ["another device", "FINGERPRINT_MISMATCH"],
      [fingerprint, "VALID"],
      ["", "FINGERPRINT_MISMATCH"],
    ] as const) {
      expect(verifier.verify(file, { fingerprint: given }).code).toBe(code);
    }
  });

  it("honours a custom leeway for the file's time window", () => {
    const { file, options } = vector("valid-within-leeway-before-nbf");
    expect(verifier.verify(file, { now: new Date(options.now) }).code).toBe("VALID");
    expect(verifier.verify(file, { now: new Date(options.now), leewaySeconds: 0 }).code).toBe(
      "NOT_YET_VALID",
    );
  });

  it("takes the build date as a day, an ISO date-time or a Date, by its UTC day", () => {
    const { file, options } = vector("valid");
    const now = new Date(options.now);
    expect(verifier.verify(file, { now, buildDate: "2026-12-31T23:59:59Z" }).code).toBe("VALID");
    expect(verifier.verify(file, { now, buildDate: "2026-12-31T23:30:00-01:00" }).code).toBe(
      "MAINTENANCE_EXPIRED",
    );
    expect(verifier.verify(file, { now, buildDate: new Date("2026-12-31T12:00:00Z") }).code).toBe("VALID");
    expect(verifier.verify(file, { now, buildDate: new Date("2027-01-01T00:00:00Z") }).code).toBe(
      "MAINTENANCE_EXPIRED",
    );
  });

  it("does not cover a build whose date cannot be read", () => {
    const { file, options } = vector("valid");
    const result = verifier.verify(file, { now: new Date(options.now), buildDate: "last Tuesday" });
    expect(result).toMatchObject({
      code: "MAINTENANCE_EXPIRED",
      detail: expect.stringContaining("last Tuesday"),
    });
  });

  it("defaults to the current time", () => {
    expect(verifier.verify(signLicense(claimsFor(fingerprint))).code).toBe("VALID");
    const sixtyDaysAgo = new Date(Date.now() - 60 * 86_400_000);
    expect(verifier.verify(signLicense(claimsFor(fingerprint, sixtyDaysAgo))).code).toBe("FILE_EXPIRED");
  });
});

describe("verifyLicenseFile", () => {
  it("verifies one file against a JWKS without a verifier of one's own", () => {
    const { file, options, expected } = vector("wrong-device");
    expect(
      verifyLicenseFile(file, vectorFile.jwks, { ...options, now: new Date(options.now) }),
    ).toMatchObject(expected);
    expect(verifyLicenseFile(file, vectorFile.jwks, { now: new Date(options.now) }).code).toBe("VALID");
  });
});
