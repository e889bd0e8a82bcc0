import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRuntime } from "../../src/runtime.ts";
import { createOrder, createProduct } from "../support/factories.ts";
import { ApiClient, startTestServer, type TestServer } from "../support/harness.ts";

describe("rate limits", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer("sqlite", { RATE_LIMIT_TICKETS: "3", RATE_LIMIT_ACTIVATIONS: "5" });
  });
  afterAll(() => s.close());

  it("limits ticket look-ups per client and says when to retry", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await s.api.as(null).get("/api/v1/tickets/ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ")).status);
    expect(statuses).toEqual([404, 404, 404, 429]);
    const limited = await s.api.as(null).get("/api/v1/tickets/ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ");
    expect(limited.body.error.code).toBe("RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("counts ticket look-ups across server processes sharing the database", async () => {
    const first = await startTestServer("sqlite", { RATE_LIMIT_TICKETS: "3" });
    const other = await openRuntime(first.rt.config, { log: pino({ level: "silent" }) });
    try {
      const app = await other.app();
      await app.listen({ host: "127.0.0.1", port: 0 });
      const address = app.server.address();
      const b = new ApiClient(
        `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
        null,
      );
      const a = first.api.as(null);
      const ticket = "/api/v1/tickets/YYYYY-YYYYY-YYYYY-YYYYY-YYYYY";
      const statuses = [
        (await a.get(ticket)).status,
        (await b.get(ticket)).status,
        (await a.get(ticket)).status,
        (await b.get(ticket)).status,
      ];
      expect(statuses).toEqual([404, 404, 404, 429]);
    } finally {
      await other.close();
      await first.close();
    }
  });

  it("limits activation and validation calls", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (
          await s.api
            .as(null)
            .post("/api/v1/validate", { license: "01900000-0000-7000-8000-000000000000", fingerprint: "x" })
        ).status,
      );
    expect(statuses.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
    expect(statuses[5]).toBe(429);
  });
});

describe("activation-specific parameters", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer("sqlite");
    s.clock.set("2026-09-01T08:00:00Z");
  });
  afterAll(() => s.close());

  it("bind per device at activation, relative to the activation", async () => {
    const product = await createProduct(s.api, {
      parameters: [
        { key: "expiresAt", label: "Trial end", type: "date", binding: "activation", default: "P14D" },
        { key: "hostLabel", label: "Host label", type: "text", binding: "activation", maxLength: 20 },
      ],
    });
    const order = await createOrder(s.api, product.code);
    expect(order.licenses[0].expiresAt).toBeNull();
    s.clock.set("2026-09-10T08:00:00Z");
    const res = await s.api.as(null).post("/api/v1/activations", {
      ticket: order.ticket,
      license: order.licenses[0].id,
      fingerprint: "fingerprint-trial-1",
      deviceName: "trial box",
      parameters: { hostLabel: "lab-7" },
    });
    expect(res.status).toBe(201);
    const claims = JSON.parse(Buffer.from(res.body.licenseFile.split(".")[1], "base64url").toString());
    expect(claims.expiresAt).toBe("2026-09-24");
    expect(claims.parameters).toEqual({ hostLabel: "lab-7" });
    const valid = await s.api
      .as(null)
      .post("/api/v1/validate", { license: order.licenses[0].id, fingerprint: "fingerprint-trial-1" });
    expect(valid.body).toMatchObject({ code: "VALID", license: { expiresAt: "2026-09-24" } });
    s.clock.set("2026-09-25T08:00:00Z");
    expect(
      (
        await s.api
          .as(null)
          .post("/api/v1/validate", { license: order.licenses[0].id, fingerprint: "fingerprint-trial-1" })
      ).body.code,
    ).toBe("EXPIRED");
    const bad = await s.api.as(null).post("/api/v1/activations", {
      ticket: order.ticket,
      license: order.licenses[0].id,
      fingerprint: "fingerprint-trial-2",
      deviceName: "x",
      parameters: { hostLabel: "a-label-that-is-far-too-long" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/parameters.hostLabel: is 28 characters long; the maximum is 20/);
  });

  it("cannot be set at order time", async () => {
    const product = await createProduct(s.api, {
      parameters: [{ key: "hostLabel", label: "Host", type: "text", binding: "activation" }],
    });
    const res = await s.api.post("/api/v1/orders", {
      items: [{ product: product.code, parameters: { hostLabel: "x" } }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/hostLabel is activation-specific/);
  });
});

describe("API keys", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer("sqlite");
  });
  afterAll(() => s.close());

  it("record when they were last used, and stop working once revoked", async () => {
    const created = await s.api.post("/api/v1/api-keys", { name: "ERP" });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^lic_/);
    const erp = s.api.as(created.body.secret);
    expect((await erp.get("/api/v1/products")).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    const listed = (await s.api.get("/api/v1/api-keys")).body.data.find(
      (k: { id: string }) => k.id === created.body.apiKey.id,
    );
    expect(listed.lastUsedAt).toBe(s.clock.now().toISOString());
    expect(JSON.stringify(listed)).not.toContain(created.body.secret);
    expect(
      (await s.api.post(`/api/v1/api-keys/${created.body.apiKey.id}/revoke`)).body.revokedAt,
    ).not.toBeNull();
    expect((await erp.get("/api/v1/products")).status).toBe(401);
  });
});

describe("OpenAPI document", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer("sqlite");
  });
  afterAll(() => s.close());

  it("is OpenAPI 3.1 generated from the routes, every operation summarized", async () => {
    const doc = (await s.api.as(null).get("/openapi.json")).body;
    expect(doc.openapi).toBe("3.1.0");
    const operations = Object.entries(
      doc.paths as Record<string, Record<string, { summary?: string }>>,
    ).flatMap(([p, ops]) => Object.entries(ops).map(([m, op]) => ({ route: `${m.toUpperCase()} ${p}`, op })));
    const routes = operations.map((o) => o.route);
    for (const r of [
      "POST /api/v1/products",
      "GET /api/v1/orders",
      "POST /api/v1/orders",
      "PATCH /api/v1/licenses/{id}",
      "POST /api/v1/activations",
      "POST /api/v1/validate",
      "GET /api/v1/tickets/{ticket}",
      "GET /api/v1/audit-events",
      "GET /.well-known/jwks.json",
    ])
      expect(routes).toContain(r);
    for (const { route, op } of operations) expect(op.summary, route).toBeTruthy();
    expect(doc.components.schemas.Order).toBeDefined();
  });

  it("is browsable at /docs", async () => {
    const res = await fetch(`${s.url}/docs/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/swagger/i);
  });

  it("answers unknown routes with the error format", async () => {
    const res = await s.api.get("/api/v1/nothing-here");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
  });
});
