import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unseal } from "../../src/crypto/master-key.ts";
import { openRuntime } from "../../src/runtime.ts";
import { activate, createOrder, createProduct } from "../support/factories.ts";
import {
  createTestDatabase,
  dialects,
  startTestServer,
  TEST_MASTER_KEY,
  type TestServer,
  testConfig,
} from "../support/harness.ts";

describe.each(await dialects())("signing keys on %s", (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
  });
  afterAll(() => s.close());

  it("keeps private keys encrypted with the master key", async () => {
    const rows = await s.rt.handle.db.selectFrom("signing_keys").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.private_key_sealed).not.toMatch(/PRIVATE KEY/);
    expect(unseal(Buffer.from(TEST_MASTER_KEY, "hex"), rows[0]!.private_key_sealed)).toMatch(
      /BEGIN PRIVATE KEY/,
    );
    expect(() => unseal(Buffer.alloc(32, 1), rows[0]!.private_key_sealed)).toThrow();
  });

  it("rotates: the new key signs, the old one verifies until it is retired", async () => {
    const code = (await createProduct(s.api)).code;
    const oldKid = (await s.api.get("/.well-known/jwks.json")).body.keys[0].kid;
    const before = await createOrder(s.api, code);
    const oldFile = (await activate(s.api, before.ticket, before.licenses[0].id, "fingerprint-old-key")).body
      .licenseFile;

    const rotated = await s.api.post("/api/v1/signing-keys/rotate");
    expect(rotated.status).toBe(201);
    const newKid = rotated.body.kid;
    expect(newKid).not.toBe(oldKid);
    const jwks = (await s.api.get("/.well-known/jwks.json")).body;
    expect(jwks.keys.map((k: { kid: string }) => k.kid).sort()).toEqual([oldKid, newKid].sort());
    const listed = (await s.api.get("/api/v1/signing-keys")).body.data;
    expect(Object.fromEntries(listed.map((k: { kid: string; status: string }) => [k.kid, k.status]))).toEqual(
      { [oldKid]: "verifying", [newKid]: "signing" },
    );

    const after = await createOrder(s.api, code);
    const newFile = (await activate(s.api, after.ticket, after.licenses[0].id, "fingerprint-new-key")).body
      .licenseFile;
    expect(JSON.parse(Buffer.from(newFile.split(".")[0], "base64url").toString()).kid).toBe(newKid);
    expect((await s.api.as(null).post("/api/v1/validate", { licenseFile: oldFile })).body.code).toBe("VALID");

    const refused = await s.api.post(`/api/v1/signing-keys/${newKid}/retire`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("KEY_STATE");

    const retired = await s.api.post(`/api/v1/signing-keys/${oldKid}/retire`);
    expect(retired.body.status).toBe("retired");
    expect((await s.api.as(null).post("/api/v1/validate", { licenseFile: oldFile })).body.code).toBe(
      "UNKNOWN_KEY",
    );
    expect((await s.api.as(null).post("/api/v1/validate", { licenseFile: newFile })).body.code).toBe("VALID");
    expect((await s.api.get("/.well-known/jwks.json")).body.keys.map((k: { kid: string }) => k.kid)).toEqual([
      newKid,
    ]);
    expect((await s.api.post("/api/v1/signing-keys/nope/retire")).status).toBe(404);

    // The device that held the retired key's file activates again and gets a file that verifies.
    const again = await activate(s.api, before.ticket, before.licenses[0].id, "fingerprint-old-key");
    expect(again.status).toBe(200);
    expect(JSON.parse(Buffer.from(again.body.licenseFile.split(".")[0], "base64url").toString()).kid).toBe(
      newKid,
    );
    expect(
      (await s.api.as(null).post("/api/v1/validate", { licenseFile: again.body.licenseFile })).body.code,
    ).toBe("VALID");
  });
});

describe("the master key", () => {
  it("is never generated anew for a database that already holds signing keys", async () => {
    const db = await createTestDatabase("sqlite");
    try {
      const config = testConfig(db, { LICENTRA_MASTER_KEY: "" });
      const first = await openRuntime({ ...config, masterKey: null }, { log: pino({ level: "silent" }) });
      await first.close();
      expect(existsSync(path.join(db.dataDir, "master.key"))).toBe(true);
      rmSync(path.join(db.dataDir, "master.key"));
      await expect(
        openRuntime({ ...config, masterKey: null }, { log: pino({ level: "silent" }) }),
      ).rejects.toThrow(/holds signing keys but no master key is configured: set LICENTRA_MASTER_KEY/);
      expect(existsSync(path.join(db.dataDir, "master.key"))).toBe(false);
      await expect(
        openRuntime({ ...config, masterKey: "ab".repeat(32) }, { log: pino({ level: "silent" }) }),
      ).rejects.toThrow(/master key does not decrypt signing key/);
    } finally {
      await db.drop();
    }
  });
});
