import { createLocalJWKSet, importJWK, jwtVerify, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { createVerifier } from "../src/index.ts";
import { sha256Hex, testKeys, vectorFile } from "./support/fixtures.ts";

/** How a standard JOSE library verifies a Licentra license file. */
const joseVerify = (file: string, now: string) =>
  jwtVerify(file, createLocalJWKSet(vectorFile.jwks), {
    algorithms: ["EdDSA"],
    typ: "licentra-license+jwt",
    currentDate: new Date(now),
    clockTolerance: 60,
  });

describe("agreement with the jose library", () => {
  const verifier = createVerifier({ keys: vectorFile.jwks });

  const validVectors = vectorFile.vectors.filter((vector) => vector.expected.valid);
  it.each(validVectors.map((vector) => [vector.name, vector] as const))(
    "jose verifies %s, with the same claims the SDK returns",
    async (_name, vector) => {
      const ours = verifier.verify(vector.file, { ...vector.options, now: new Date(vector.options.now) });
      const { payload, protectedHeader } = await joseVerify(vector.file, vector.options.now);
      expect(protectedHeader).toMatchObject({ alg: "EdDSA", typ: "licentra-license+jwt" });
      expect(ours.valid).toBe(true);
      expect(payload).toEqual(ours.license);
    },
  );

  // A malformed claim value (malformed-claims) is a Licentra rule that a generic JWT library cannot know.
  const rejectedVectors = vectorFile.vectors.filter(
    (vector) =>
      (vector.expected.code === "BAD_SIGNATURE" || vector.expected.code === "UNKNOWN_KEY") &&
      vector.name !== "malformed-claims",
  );
  it.each(rejectedVectors.map((vector) => [vector.name, vector] as const))(
    "jose rejects %s as well",
    async (_name, vector) => {
      await expect(joseVerify(vector.file, vector.options.now)).rejects.toThrow();
    },
  );

  it.each(["not-yet-valid", "file-expired"])("jose rejects %s on the same time window", async (name) => {
    const vector = vectorFile.vectors.find((candidate) => candidate.name === name)!;
    await expect(joseVerify(vector.file, vector.options.now)).rejects.toThrow(/"(nbf|exp)" claim/);
  });

  it("verifies a license file that jose signed", async () => {
    const fingerprint = "a-device-fingerprint";
    const key = await importJWK(testKeys.current.jwk, "EdDSA");
    const file = await new SignJWT({
      product: { code: 1001, name: "Licentra Demo" },
      expiresAt: null,
      maintenanceUntil: null,
      seats: 1,
      features: ["pro"],
      parameters: { edition: "standard" },
      device: sha256Hex(fingerprint),
      version: 1,
    })
      .setProtectedHeader({ alg: "EdDSA", typ: "licentra-license+jwt", kid: testKeys.current.jwk.kid })
      .setIssuer("https://licenses.example.test")
      .setSubject("license-7")
      .setJti("activation-7")
      .setIssuedAt()
      .setNotBefore("0s")
      .setExpirationTime("30d")
      .sign(key);

    const result = verifier.verify(file, { fingerprint, productCode: 1001, features: ["pro"] });

    expect(result).toMatchObject({
      valid: true,
      code: "VALID",
      license: { sub: "license-7", jti: "activation-7" },
    });
  });
});
