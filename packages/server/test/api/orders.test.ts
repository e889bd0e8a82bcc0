import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrder, createProduct } from "../support/factories.ts";
import { type ApiResponse, dialects, startTestServer, type TestServer } from "../support/harness.ts";

const TICKET = /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$/;

describe.each(await dialects())("orders on %s", (dialect) => {
  let s: TestServer;
  let code: number;
  beforeAll(async () => {
    s = await startTestServer(dialect);
    s.clock.set("2026-03-10T12:00:00Z");
    code = (await createProduct(s.api)).code;
  });
  afterAll(() => s.close());

  async function countOrders(): Promise<number> {
    let n = 0;
    let cursor: string | null = null;
    do {
      const r: ApiResponse = await s.api.get(`/api/v1/orders?limit=200${cursor ? `&cursor=${cursor}` : ""}`);
      n += r.body.data.length;
      cursor = r.body.nextCursor;
    } while (cursor);
    return n;
  }

  it("creates one ticket per order and quantity licenses per item with resolved values", async () => {
    const res = await s.api.post("/api/v1/orders", {
      customer: { name: "Ada Lovelace", email: "ada@example.com", company: "Engines Ltd" },
      items: [
        {
          product: code,
          quantity: 3,
          parameters: { seats: 4, expiresAt: "P30D", features: ["export", "cloud"], edition: "pro" },
        },
      ],
    });
    expect(res.status).toBe(201);
    const o = res.body;
    expect(o.ticket).toMatch(TICKET);
    expect(o.customer).toEqual({ name: "Ada Lovelace", email: "ada@example.com", company: "Engines Ltd" });
    expect(o.licenses).toHaveLength(3);
    for (const l of o.licenses) {
      expect(l).toMatchObject({
        status: "active",
        version: 1,
        seats: 4,
        activeSeats: 0,
        expiresAt: "2026-04-09",
        maintenanceUntil: "2027-03-10",
        features: ["export", "cloud"],
        parameters: { edition: "pro", region: "EU" },
        rules: {
          expiresAt: "P30D",
          seats: 4,
          features: ["export", "cloud"],
          edition: "pro",
          maintenanceUntil: "P1Y",
        },
        activated: false,
      });
    }
    expect(new Set(o.licenses.map((l: { id: string }) => l.id)).size).toBe(3);
    expect((await s.api.get(`/api/v1/orders/${o.id}`)).body).toEqual(o);
  });

  it("takes absolute dates as given", async () => {
    const o = await createOrder(s.api, code, { expiresAt: "2030-12-31" });
    expect(o.licenses[0].expiresAt).toBe("2030-12-31");
    expect(o.licenses[0].rules.expiresAt).toBe("2030-12-31");
  });

  it("rejects values outside the product's rules, naming each parameter, and stores nothing", async () => {
    const before = await countOrders();
    const res = await s.api.post("/api/v1/orders", {
      items: [
        {
          product: code,
          parameters: { seats: 0, edition: "ultimate", features: ["teleport"], region: "US", colour: "red" },
        },
        { product: 424242 },
      ],
    });
    expect(res.status).toBe(400);
    const fields = res.body.error.details.issues.map((i: { field: string }) => i.field).sort();
    expect(fields).toEqual(
      [
        "items.0.parameters.colour",
        "items.0.parameters.edition",
        "items.0.parameters.features",
        "items.0.parameters.region",
        "items.0.parameters.seats",
        "items.1.product",
      ].sort(),
    );
    expect(res.body.error.message).toMatch(/items.0.parameters.seats: 0 is below the minimum of 1/);
    expect(res.body.error.message).toMatch(/region is fixed by the product \(static\)/);
    expect(await countOrders()).toBe(before);
  });

  it("rejects malformed bodies with a 4xx naming the field", async () => {
    const cases: [unknown, string][] = [
      [{ items: [] }, "items"],
      [{ items: [{ product: code, quantity: 0 }] }, "items.0.quantity"],
      [{ items: [{ product: code, quantity: 1.5 }] }, "items.0.quantity"],
      [{ items: [{ product: code }], customer: { email: "not-an-email" } }, "customer.email"],
      [{ items: [{ product: code }], extra: true }, "extra"],
      [{}, "items"],
    ];
    for (const [body, field] of cases) {
      const res = await s.api.post("/api/v1/orders", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(
        res.body.error.details.issues.map((i: { field: string }) => i.field),
        JSON.stringify(res.body),
      ).toContain(field);
    }
    const notJson = await s.api.post("/api/v1/orders", "{not json");
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe("VALIDATION_FAILED");
  });

  it("returns the existing order for a repeated externalOrderNumber and refuses a different one", async () => {
    const body = { externalOrderNumber: "SO-1001", items: [{ product: code, quantity: 2 }] };
    const first = await s.api.post("/api/v1/orders", body);
    expect(first.status).toBe(201);
    const again = await s.api.post("/api/v1/orders", {
      items: [{ quantity: 2, product: code }],
      externalOrderNumber: "SO-1001",
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const different = await s.api.post("/api/v1/orders", {
      ...body,
      items: [{ product: code, quantity: 3 }],
    });
    expect(different.status).toBe(409);
    expect(different.body.error).toMatchObject({
      code: "ORDER_CONFLICT",
      details: { field: "externalOrderNumber", orderId: first.body.id },
    });
    const listed = await s.api.get("/api/v1/orders?externalOrderNumber=SO-1001");
    expect(listed.body.data).toHaveLength(1);
  });

  it("honours Idempotency-Key: same request replays, a different request is refused", async () => {
    const key = `idem-${Math.random()}`;
    const body = { items: [{ product: code }] };
    const first = await s.api.post("/api/v1/orders", body, { "idempotency-key": key });
    expect(first.status).toBe(201);
    const replay = await s.api.post("/api/v1/orders", body, { "idempotency-key": key });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(first.body);
    const other = await s.api.post(
      "/api/v1/orders",
      { items: [{ product: code, quantity: 2 }] },
      { "idempotency-key": key },
    );
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    const fresh = await s.api.post("/api/v1/orders", body, { "idempotency-key": `${key}-2` });
    expect(fresh.body.id).not.toBe(first.body.id);
  });

  it("filters orders by product, customer, date range, status, external number and ticket", async () => {
    const other = (await createProduct(s.api, { name: "Viewer" })).code;
    s.clock.set("2026-05-01T08:00:00Z");
    const a = await createOrder(
      s.api,
      other,
      {},
      { customer: { name: "Grace Hopper", company: "Navy" }, externalOrderNumber: "F-1" },
    );
    s.clock.set("2026-05-02T08:00:00Z");
    const b = await createOrder(s.api, other, {}, { customer: { name: "Alan Turing" } });
    s.clock.set("2026-05-03T08:00:00Z");
    const c = await createOrder(s.api, code, {}, { customer: { email: "grace@example.com" } });
    const ids = async (q: string) =>
      (await s.api.get(`/api/v1/orders?${q}`)).body.data.map((o: { id: string }) => o.id);

    expect(await ids(`product=${other}`)).toEqual([b.id, a.id]);
    expect(await ids("customer=GRACE")).toEqual(expect.arrayContaining([a.id, c.id]));
    expect(await ids("customer=GRACE")).not.toContain(b.id);
    expect(await ids("createdFrom=2026-05-02T00:00:00Z&createdTo=2026-05-03T00:00:00Z")).toEqual([b.id]);
    expect(await ids("createdFrom=2026-05-02T02:00:00%2B02:00&createdTo=2026-05-02T21:00:00-03:00")).toEqual([
      b.id,
    ]);
    expect(await ids("externalOrderNumber=F-1")).toEqual([a.id]);
    expect(await ids(`ticket=${b.ticket.toLowerCase().replace(/-/g, "")}`)).toEqual([b.id]);
    expect(await ids(`product=${other}&sort=createdAt`)).toEqual([a.id, b.id]);

    await s.api.post(`/api/v1/licenses/${a.licenses[0].id}/revoke`);
    expect(await ids(`product=${other}&status=closed`)).toEqual([a.id]);
    expect(await ids(`product=${other}&status=active`)).toEqual([b.id]);

    const bad = await s.api.get("/api/v1/orders?createdFrom=yesterday");
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe("createdFrom");
    const unknownFilter = await s.api.get("/api/v1/orders?colour=red");
    expect(unknownFilter.status).toBe(400);
  });

  it("pages through all orders with a cursor, newest first, without gaps or repeats", async () => {
    const total = await countOrders();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: ApiResponse = await s.api.get(`/api/v1/orders?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...r.body.data.map((o: { id: string }) => o.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen).toEqual([...seen].sort().reverse());
  });

  it("answers 404 for an unknown order", async () => {
    const res = await s.api.get("/api/v1/orders/01900000-0000-7000-8000-000000000000");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
    expect((await s.api.get("/api/v1/orders/not-a-uuid")).status).toBe(400);
  });
});
