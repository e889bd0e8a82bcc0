import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createOfflineRequest,
  createVerifier,
  readLicenseFile,
  readOfflineRequestFile,
  writeLicenseFile,
  writeOfflineRequestFile,
} from "../src/index.ts";
import { claimsFor, signLicense, vectorFile } from "./support/fixtures.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "licentra-client-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("offline activation request", () => {
  const input = {
    ticket: "ABCDE-FGHJK-MNPQR-STVWX-YZ012",
    license: "0193a7b2-0000-7000-8000-000000000001",
    productCode: 1001,
    fingerprint: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    deviceName: "build-server-7",
    parameters: { seatsWanted: 1 },
    now: new Date("2026-11-29T12:00:00.000Z"),
  };

  it("has the documented shape", () => {
    expect(createOfflineRequest(input)).toStrictEqual({
      type: "licentra-activation-request",
      version: 1,
      ticket: "ABCDE-FGHJK-MNPQR-STVWX-YZ012",
      license: "0193a7b2-0000-7000-8000-000000000001",
      productCode: 1001,
      fingerprint: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      deviceName: "build-server-7",
      parameters: { seatsWanted: 1 },
      createdAt: "2026-11-29T12:00:00.000Z",
    });
  });

  it("leaves out the license or product code it was not given, and defaults parameters to {}", () => {
    const { license: _license, parameters: _parameters, ...byProduct } = input;
    const request = createOfflineRequest(byProduct);
    expect(request).not.toHaveProperty("license");
    expect(request).toMatchObject({ productCode: 1001, parameters: {} });
  });

  it("needs a license or a product code", () => {
    const { license: _license, productCode: _productCode, ...neither } = input;
    expect(() => createOfflineRequest(neither)).toThrow(/license or productCode/);
  });

  it("survives a round trip through a file", async () => {
    const ownDir = await mkdtemp(join(dir, "round-trip-"));
    const path = join(ownDir, "activation-request.json");
    const request = createOfflineRequest(input);

    await writeOfflineRequestFile(path, request);

    expect(await readOfflineRequestFile(path)).toStrictEqual(request);
    expect(JSON.parse(await readFile(path, "utf8"))).toStrictEqual(request);
    expect(await readdir(ownDir)).toEqual(["activation-request.json"]);
  });

  it("refuses to read a file that is not an activation request", async () => {
    const path = join(dir, "not-a-request.json");
    await writeFile(path, JSON.stringify({ type: "something-else", version: 1 }));
    await expect(readOfflineRequestFile(path)).rejects.toThrow(/not a version 1 licentra-activation-request/);
  });
});

describe("license file storage", () => {
  it("stores a license file that reads back and verifies", async () => {
    const path = join(dir, "license.jwt");
    const fingerprint = "this-device";
    const file = signLicense(claimsFor(fingerprint));

    await writeLicenseFile(path, file);
    await writeLicenseFile(path, file);

    const stored = await readLicenseFile(path);
    expect(stored).toBe(file);
    expect(createVerifier({ keys: vectorFile.jwks }).verify(stored, { fingerprint }).code).toBe("VALID");
    expect((await readdir(dir)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });
});
