import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  createOfflineRequest,
  createVerifier,
  LicentraClient,
  writeOfflineRequestFile,
} from "@licentra/client";
import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activate, createOrder, createProduct } from "../support/factories.ts";
import { dialects, startTestServer, type TestServer } from "../support/harness.ts";

const FP = "f1f2f3f4f5f6f7f8f9f0-device-a";
const FP_B = "a1a2a3a4a5a6a7a8a9a0-device-b";

describe.each(await dialects())("activations on %s", (dialect) => {
  let s: TestServer;
  let code: number;
  beforeAll(async () => {
    s = await startTestServer(dialect);
    s.clock.set("2026-06-01T10:00:00Z");
    code = (await createProduct(s.api)).code;
  });
  afterAll(() => s.close());

  it("activates a license with the ticket and returns a license file any JOSE library verifies", async () => {
    const order = await createOrder(s.api, code, {
      seats: 2,
      features: ["export", "cloud"],
      expiresAt: "P1Y",
    });
    const license = order.licenses[0];
    const res = await activate(s.api, order.ticket, license.id, FP, "ada-laptop");
    expect(res.status).toBe(201);
    expect(res.body.activation).toMatchObject({
      licenseId: license.id,
      deviceName: "ada-laptop",
      fingerprint: FP,
      status: "active",
      fileVersion: 1,
    });

    const jwks = (await s.api.get("/.well-known/jwks.json")).body;
    const { payload, protectedHeader } = await jwtVerify(res.body.licenseFile, createLocalJWKSet(jwks), {
      currentDate: s.clock.now(),
      typ: "licentra-license+jwt",
      algorithms: ["EdDSA"],
    });
    expect(protectedHeader.kid).toBe(jwks.keys[0].kid);
    expect(payload).toMatchObject({
      iss: s.rt.config.publicUrl,
      sub: license.id,
      jti: res.body.activation.id,
      product: { code, name: "Studio Pro" },
      expiresAt: "2027-06-01",
      maintenanceUntil: "2027-06-01",
      seats: 2,
      features: ["export", "cloud"],
      parameters: { edition: "standard", region: "EU" },
      device: createHash("sha256").update(FP).digest("hex"),
      version: 1,
    });
    expect(payload.exp! - payload.iat!).toBe(30 * 86400);

    const sdk = createVerifier({ keys: jwks }).verify(res.body.licenseFile, {
      now: s.clock.now(),
      fingerprint: FP,
      productCode: code,
      features: ["cloud"],
    });
    expect(sdk).toMatchObject({ valid: true, code: "VALID" });

    const view = await s.api.get(`/api/v1/licenses/${license.id}`);
    expect(view.body).toMatchObject({ activeSeats: 1, activated: true });
    expect(view.body.activations).toHaveLength(1);
  });

  it("gives the same device its existing activation back", async () => {
    const order = await createOrder(s.api, code, { seats: 1 });
    const first = await activate(s.api, order.ticket, order.licenses[0].id, FP);
    const again = await s.api.as(null).post("/api/v1/activations", {
      ticket: order.ticket.toLowerCase().replace(/-/g, ""),
      productCode: code,
      fingerprint: FP,
      deviceName: "renamed",
    });
    expect(again.status).toBe(200);
    expect(again.body.activation.id).toBe(first.body.activation.id);
    expect(again.body.licenseFile).toBe(first.body.licenseFile);
    expect((await s.api.get(`/api/v1/licenses/${order.licenses[0].id}`)).body.activeSeats).toBe(1);
  });

  it("refuses a device beyond the seat limit until a seat is returned", async () => {
    const order = await createOrder(s.api, code, { seats: 1 });
    const id = order.licenses[0].id;
    const a = await activate(s.api, order.ticket, id, FP);
    const b = await activate(s.api, order.ticket, id, FP_B);
    expect(b.status).toBe(409);
    expect(b.body.error.code).toBe("NO_SEATS_AVAILABLE");
    const returned = await s.api
      .as(null)
      .post(`/api/v1/activations/${a.body.activation.id}/return`, { ticket: order.ticket });
    expect(returned.status).toBe(200);
    expect(returned.body.activation.status).toBe("returned");
    const validated = await s.api.as(null).post("/api/v1/validate", { license: id, fingerprint: FP });
    expect(validated.body.code).toBe("NOT_ACTIVATED");
    const b2 = await activate(s.api, order.ticket, id, FP_B);
    expect(b2.status).toBe(201);
    const refreshReturned = await s.api
      .as(null)
      .post(`/api/v1/activations/${a.body.activation.id}/refresh`, { ticket: order.ticket });
    expect(refreshReturned.status).toBe(409);
    expect(refreshReturned.body.error.code).toBe("ACTIVATION_RETURNED");
  });

  it("refuses a wrong ticket without saying more", async () => {
    const order = await createOrder(s.api, code);
    const other = await createOrder(s.api, code);
    const wrong = await activate(s.api, "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ", order.licenses[0].id);
    expect(wrong.status).toBe(404);
    expect(wrong.body.error).toEqual({
      code: "TICKET_NOT_FOUND",
      message: "no order matches this ticket",
      details: {},
    });
    const malformed = await activate(s.api, "hello", order.licenses[0].id);
    expect(malformed.body.error).toEqual(wrong.body.error);
    const crossed = await activate(s.api, other.ticket, order.licenses[0].id);
    expect(crossed.status).toBe(404);
    expect((await s.api.get(`/api/v1/licenses/${order.licenses[0].id}`)).body.activeSeats).toBe(0);
  });

  it("delivers modified values on refresh, with a higher version", async () => {
    const order = await createOrder(s.api, code, { seats: 2 });
    const id = order.licenses[0].id;
    const act = await activate(s.api, order.ticket, id, FP);
    const modified = await s.api.patch(`/api/v1/licenses/${id}`, {
      parameters: { seats: 5, features: ["export", "scripting"] },
    });
    expect(modified.status).toBe(200);
    expect(modified.body).toMatchObject({ version: 2, seats: 5, features: ["export", "scripting"] });

    s.clock.advance(3600_000);
    const refreshed = await s.api
      .as(null)
      .post(`/api/v1/activations/${act.body.activation.id}/refresh`, { licenseFile: act.body.licenseFile });
    expect(refreshed.status).toBe(200);
    const claims = JSON.parse(Buffer.from(refreshed.body.licenseFile.split(".")[1], "base64url").toString());
    expect(claims).toMatchObject({
      version: 2,
      seats: 5,
      features: ["export", "scripting"],
      jti: act.body.activation.id,
    });
    expect(claims.iat).toBe(Math.floor(s.clock.now().getTime() / 1000));
    expect(refreshed.body.activation.fileVersion).toBe(2);

    const byTicket = await s.api
      .as(null)
      .post(`/api/v1/activations/${act.body.activation.id}/refresh`, { ticket: order.ticket });
    expect(byTicket.status).toBe(200);
    const forged = await s.api
      .as(null)
      .post(`/api/v1/activations/${act.body.activation.id}/refresh`, { licenseFile: "a.b.c" });
    expect(forged.status).toBe(401);
    const nothing = await s.api.as(null).post(`/api/v1/activations/${act.body.activation.id}/refresh`, {});
    expect(nothing.status).toBe(400);
  });

  it("rejects a modification outside the rules and below the activated seats, changing nothing", async () => {
    const order = await createOrder(s.api, code, { seats: 2 });
    const id = order.licenses[0].id;
    await activate(s.api, order.ticket, id, FP);
    await activate(s.api, order.ticket, id, FP_B);
    const tooFew = await s.api.patch(`/api/v1/licenses/${id}`, { parameters: { seats: 1 } });
    expect(tooFew.status).toBe(400);
    expect(tooFew.body.error.message).toMatch(/parameters.seats: 1 is below the 2 devices activated now/);
    const bad = await s.api.patch(`/api/v1/licenses/${id}`, { parameters: { edition: "ultimate" } });
    expect(bad.status).toBe(400);
    const staticParam = await s.api.patch(`/api/v1/licenses/${id}`, { parameters: { region: "US" } });
    expect(staticParam.status).toBe(400);
    const after = await s.api.get(`/api/v1/licenses/${id}`);
    expect(after.body).toMatchObject({
      version: 1,
      seats: 2,
      parameters: { edition: "standard", region: "EU" },
    });
  });

  it("refuses a modification based on a version that is no longer current, changing nothing", async () => {
    const order = await createOrder(s.api, code, { seats: 2 });
    const id = order.licenses[0].id;
    const first = await s.api.patch(`/api/v1/licenses/${id}`, { parameters: { seats: 3 }, version: 1 });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.version).toBe(2);
    // A second editor that also read version 1 does not overwrite the first one's change.
    const stale = await s.api.patch(`/api/v1/licenses/${id}`, { parameters: { seats: 4 }, version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: "LICENSE_CHANGED", details: { version: 2 } });
    expect((await s.api.get(`/api/v1/licenses/${id}`)).body).toMatchObject({ version: 2, seats: 3 });
    const bad = await s.api.patch(`/api/v1/licenses/${id}`, { parameters: { seats: 4 }, version: 0 });
    expect(bad.status).toBe(400);
  });

  it("stops validating and refreshing a revoked license", async () => {
    const order = await createOrder(s.api, code);
    const id = order.licenses[0].id;
    const act = await activate(s.api, order.ticket, id, FP);
    expect(
      (await s.api.as(null).post("/api/v1/validate", { licenseFile: act.body.licenseFile, fingerprint: FP }))
        .body.code,
    ).toBe("VALID");
    const revoked = await s.api.post(`/api/v1/licenses/${id}/revoke`);
    expect(revoked.body.status).toBe("revoked");
    expect(
      (await s.api.as(null).post("/api/v1/validate", { licenseFile: act.body.licenseFile, fingerprint: FP }))
        .body.code,
    ).toBe("REVOKED");
    expect((await s.api.as(null).post("/api/v1/validate", { license: id, fingerprint: FP })).body.code).toBe(
      "REVOKED",
    );
    const refresh = await s.api
      .as(null)
      .post(`/api/v1/activations/${act.body.activation.id}/refresh`, { ticket: order.ticket });
    expect(refresh.body.error.code).toBe("LICENSE_REVOKED");
    const again = await activate(s.api, order.ticket, id, FP_B);
    expect(again.body.error.code).toBe("LICENSE_REVOKED");
    expect((await s.api.patch(`/api/v1/licenses/${id}`, { parameters: { seats: 3 } })).body.error.code).toBe(
      "LICENSE_REVOKED",
    );
  });

  it("deletes only licenses that were never activated", async () => {
    const order = await s.api.post("/api/v1/orders", { items: [{ product: code, quantity: 2 }] });
    const [l1, l2] = order.body.licenses;
    await activate(s.api, order.body.ticket, l1.id, FP);
    const refused = await s.api.delete(`/api/v1/licenses/${l1.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("LICENSE_ACTIVATED");
    expect((await s.api.delete(`/api/v1/licenses/${l2.id}`)).status).toBe(204);
    expect((await s.api.get(`/api/v1/licenses/${l2.id}`)).status).toBe(404);
    expect(
      (await s.api.get(`/api/v1/orders/${order.body.id}`)).body.licenses.map((l: { id: string }) => l.id),
    ).toEqual([l1.id]);
  });

  it("answers every validation outcome online", async () => {
    const order = await createOrder(s.api, code, {
      expiresAt: "P10D",
      maintenanceUntil: "P5D",
      features: ["export"],
    });
    const id = order.licenses[0].id;
    const act = await activate(s.api, order.ticket, id, FP);
    const file = act.body.licenseFile;
    const v = async (body: object) => (await s.api.as(null).post("/api/v1/validate", body)).body;
    expect(await v({ license: id, fingerprint: FP })).toMatchObject({
      valid: true,
      code: "VALID",
      license: { id, version: 1 },
    });
    expect((await v({ license: id, fingerprint: FP_B })).code).toBe("NOT_ACTIVATED");
    expect((await v({ licenseFile: file, fingerprint: FP_B })).code).toBe("FINGERPRINT_MISMATCH");
    expect((await v({ license: id, fingerprint: FP, productCode: code + 1 })).code).toBe("PRODUCT_MISMATCH");
    expect((await v({ license: id, fingerprint: FP, features: ["cloud"] })).code).toBe("FEATURE_MISSING");
    expect((await v({ license: id, fingerprint: FP, buildDate: "2026-06-05" })).code).toBe("VALID");
    expect((await v({ license: id, fingerprint: FP, buildDate: "2026-06-07" })).code).toBe(
      "MAINTENANCE_EXPIRED",
    );
    const [h, p, sig] = file.split(".");
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url").toString()), seats: 99 })).toString("base64url")}.${sig}`;
    expect((await v({ licenseFile: tampered })).code).toBe("BAD_SIGNATURE");
    expect((await v({ licenseFile: "not a file" })).code).toBe("BAD_SIGNATURE");
    s.clock.advance(11 * 86400_000);
    expect((await v({ license: id, fingerprint: FP })).code).toBe("EXPIRED");
    expect((await v({ licenseFile: file })).code).toBe("EXPIRED");
    s.clock.advance(30 * 86400_000);
    expect((await v({ licenseFile: file })).code).toBe("FILE_EXPIRED");
    s.clock.set("2026-01-01T00:00:00Z");
    expect((await v({ licenseFile: file })).code).toBe("NOT_YET_VALID");
    s.clock.set("2026-06-01T10:00:00Z");
    const missing = await s.api.as(null).post("/api/v1/validate", { license: id });
    expect(missing.status).toBe(400);
    const unknown = await s.api
      .as(null)
      .post("/api/v1/validate", { license: "01900000-0000-7000-8000-000000000000", fingerprint: FP });
    expect(unknown.status).toBe(404);
  });

  it("refuses to activate an expired license", async () => {
    const order = await createOrder(s.api, code, { expiresAt: "2026-05-31" });
    const res = await activate(s.api, order.ticket, order.licenses[0].id, FP);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("LICENSE_EXPIRED");
  });

  it("answers an offline request file with a license file", async () => {
    const order = await createOrder(s.api, code);
    const dir = mkdtempSync(path.join(tmpdir(), "licentra-offline-"));
    const requestPath = path.join(dir, "request.json");
    await writeOfflineRequestFile(
      requestPath,
      createOfflineRequest({
        ticket: order.ticket,
        productCode: code,
        fingerprint: FP,
        deviceName: "air-gapped",
      }),
    );
    const request = JSON.parse(readFileSync(requestPath, "utf8"));
    const res = await s.api.as(null).post("/api/v1/activations/offline", request);
    expect(res.status).toBe(201);
    expect(res.body.activation.deviceName).toBe("air-gapped");
    const download = await fetch(`${s.url}/api/v1/activations/offline?download=true`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
    });
    expect(download.status, await download.clone().text()).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/jwt");
    expect(download.headers.get("content-disposition")).toMatch(/attachment; filename="license-.*\.lic"/);
    expect(await download.text()).toBe(res.body.licenseFile);
    const wrongType = await s.api
      .as(null)
      .post("/api/v1/activations/offline", { ...request, type: "something" });
    expect(wrongType.status).toBe(400);
  });

  it("lets the SDK activate, refresh, validate and return against the server", async () => {
    const order = await createOrder(s.api, code, { seats: 1 });
    const client = new LicentraClient({ baseUrl: s.url });
    const a = await client.activate({
      ticket: order.ticket,
      productCode: code,
      fingerprint: FP,
      deviceName: "sdk",
    });
    expect(a.created).toBe(true);
    const r = await client.refresh({ activationId: a.activation.id, licenseFile: a.licenseFile });
    expect(r.licenseFile.split(".").length).toBe(3);
    expect(await client.validate({ licenseFile: r.licenseFile, fingerprint: FP })).toMatchObject({
      valid: true,
      code: "VALID",
    });
    await client.returnActivation({ activationId: a.activation.id, ticket: order.ticket });
    await expect(
      client.activate({
        ticket: "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ",
        productCode: code,
        fingerprint: FP,
        deviceName: "x",
      }),
    ).rejects.toMatchObject({
      status: 404,
      code: "TICKET_NOT_FOUND",
    });
  });

  it("shows the ticket holder the order's licenses and activations", async () => {
    const order = await createOrder(s.api, code, {}, { customer: { name: "Ada" } });
    await activate(s.api, order.ticket, order.licenses[0].id, FP);
    const res = await s.api.as(null).get(`/api/v1/tickets/${order.ticket.toLowerCase()}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ticket: order.ticket,
      order: { id: order.id, customer: { name: "Ada" } },
    });
    expect(res.body.licenses[0].activations[0]).toMatchObject({ fingerprint: FP, status: "active" });
    const wrong = await s.api.as(null).get("/api/v1/tickets/ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ");
    expect(wrong.status).toBe(404);
    expect(wrong.body.error.code).toBe("TICKET_NOT_FOUND");
  });

  it("records every change in the audit log", async () => {
    const order = await createOrder(s.api, code);
    const id = order.licenses[0].id;
    const act = await activate(s.api, order.ticket, id, FP);
    await s.api.patch(`/api/v1/licenses/${id}`, { parameters: { seats: 2 } });
    await s.api.post(`/api/v1/licenses/${id}/revoke`);
    const events = async (q: string) => (await s.api.get(`/api/v1/audit-events?${q}`)).body.data;
    const licenseEvents = await events(`entityType=license&entityId=${id}`);
    expect(licenseEvents.map((e: { action: string }) => e.action)).toEqual([
      "license.created",
      "license.modified",
      "license.revoked",
    ]);
    expect(licenseEvents[1]).toMatchObject({
      channel: "api",
      actor: { type: "api_key" },
      before: { seats: 1, version: 1 },
      after: { seats: 2, version: 2 },
    });
    const activationEvents = await events(`entityType=activation&entityId=${act.body.activation.id}`);
    expect(activationEvents[0]).toMatchObject({ action: "activation.created", actor: { type: "customer" } });
    const orderEvents = await events(`entityType=order&entityId=${order.id}`);
    expect(orderEvents[0].action).toBe("order.created");
    expect(JSON.stringify(orderEvents)).not.toContain(order.ticket);
    const page1 = await s.api.get("/api/v1/audit-events?limit=2");
    const page2 = await s.api.get(`/api/v1/audit-events?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.data[0].seq).toBeGreaterThan(page1.body.data[1].seq);
  });
});
