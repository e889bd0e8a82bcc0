import { createHash, generateKeyPairSync, type JsonWebKey, verify } from "node:crypto";
import { createVerifier } from "@licentra/client";
import { type LicenseClaims, signLicenseFile } from "../../packages/server/src/crypto/license-file.ts";
import { waitUntilQuiet } from "../lib/quiet.ts";
import type { Scenario } from "../lib/types.ts";

/** Runs `fn` in slices of `sliceMs` until `totalMs` is spent; returns calls per second. */
function rate(fn: () => void, sliceMs: number): { calls: number; ms: number } {
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < sliceMs) {
    for (let i = 0; i < 100; i++) fn();
    calls += 100;
    now = performance.now();
  }
  return { calls, ms: now - start };
}

/**
 * Offline verification with the SDK (`createVerifier({ keys }).verify(file)`, in-process) against
 * the floor of any verifier: one bare `crypto.verify` of the same file's signing input and
 * signature, decoded beforehand. Both loops alternate in short slices so drift affects both alike.
 */
export const sdkVerifyScenario: Scenario = {
  name: "sdk-verify",
  title: "SDK offline verification",
  async run(ctx) {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const jwk = publicKey.export({ format: "jwk" }) as JsonWebKey;
    const kid = createHash("sha256")
      .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x }))
      .digest("base64url");
    const iat = Math.floor(Date.now() / 1000);
    const claims: LicenseClaims = {
      iss: "https://licenses.example.com",
      sub: "01936f0e-8b7a-7c3d-9e21-5f4a3b2c1d0e",
      jti: "01936f0e-9c2d-7a10-8b44-0e5f6a7b8c9d",
      iat,
      nbf: iat,
      exp: iat + 30 * 86_400,
      product: { code: 4711, name: "Bench Studio" },
      expiresAt: "2030-12-31",
      maintenanceUntil: null,
      seats: 1,
      features: ["export", "cloud"],
      parameters: { edition: "pro" },
      device: createHash("sha256").update("bench-device-000000").digest("hex"),
      version: 1,
    };
    const file = signLicenseFile(claims, kid, privateKey);
    const verifier = createVerifier({
      keys: { keys: [{ kty: "OKP", crv: "Ed25519", x: jwk.x, kid, alg: "EdDSA", use: "sig" }] },
    });
    const check = verifier.verify(file);
    if (!check.valid) throw new Error(`the SDK rejects the bench file: ${check.code} ${check.detail}`);

    const dot = file.lastIndexOf(".");
    const signingInput = Buffer.from(file.slice(0, dot));
    const signature = Buffer.from(file.slice(dot + 1), "base64url");
    if (!verify(null, signingInput, publicKey, signature))
      throw new Error("crypto.verify rejects the bench file");

    await waitUntilQuiet(ctx);
    const seconds = Math.max(2, ctx.options.duration / 2);
    ctx.log(`in-process loops: ${seconds} s each, alternating 250 ms slices`);
    const sdk = { calls: 0, ms: 0 };
    const bare = { calls: 0, ms: 0 };
    rate(() => verifier.verify(file), 500);
    rate(() => verify(null, signingInput, publicKey, signature), 500);
    while (sdk.ms < seconds * 1000) {
      const s = rate(() => verifier.verify(file), 250);
      sdk.calls += s.calls;
      sdk.ms += s.ms;
      const b = rate(() => verify(null, signingInput, publicKey, signature), 250);
      bare.calls += b.calls;
      bare.ms += b.ms;
    }
    const sdkPerSecond = Math.round((sdk.calls * 1000) / sdk.ms);
    const barePerSecond = Math.round((bare.calls * 1000) / bare.ms);
    return {
      name: "sdk-verify",
      title: "SDK offline verification",
      throughput: sdkPerSecond,
      unit: "verify",
      details: {
        fileBytes: file.length,
        sdkPerSecond,
        barePerSecond,
        sdkMicrosecondsPerVerify: Math.round((1e6 / sdkPerSecond) * 10) / 10,
        bareMicrosecondsPerVerify: Math.round((1e6 / barePerSecond) * 10) / 10,
        ratio: Math.round((sdkPerSecond / barePerSecond) * 100) / 100,
      },
    };
  },
};
