import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProduct } from "../support/factories.ts";
import { type ApiResponse, dialects, startTestServer, type TestServer } from "../support/harness.ts";

describe.each(await dialects())("products on %s", (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
  });
  afterAll(() => s.close());

  it("creates, reads and lists a product with its parameters", async () => {
    const p = await createProduct(s.api, { code: 5001, name: "Reader" });
    expect(p).toMatchObject({
      code: 5001,
      name: "Reader",
      status: "active",
      revision: 1,
      fileValidity: "P30D",
    });
    expect(p.parameters.map((x: { key: string }) => x.key)).toContain("expiresAt");
    // Values keep their JSON types: a number default is never coerced into a string.
    expect(p.parameters.find((x: { key: string }) => x.key === "seats").default).toBe(1);
    const read = await s.api.get("/api/v1/products/5001");
    expect(read.status).toBe(200);
    expect(read.body).toEqual(p);
    const list = await s.api.get("/api/v1/products?limit=200");
    expect(list.body.data.map((x: { code: number }) => x.code)).toContain(5001);
    const search = await s.api.get("/api/v1/products?search=READ");
    expect(search.body.data.map((x: { code: number }) => x.code)).toEqual([5001]);
  });

  it("refuses a second product with the same code and changes nothing", async () => {
    await createProduct(s.api, { code: 5002, name: "First" });
    const res = await s.api.post("/api/v1/products", { code: 5002, name: "Second" });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("PRODUCT_CODE_TAKEN");
    expect((await s.api.get("/api/v1/products/5002")).body.name).toBe("First");
  });

  it("rejects inconsistent parameter definitions naming the field and the rule", async () => {
    const cases: [unknown[], string, RegExp][] = [
      [
        [{ key: "expiresAt", label: "E", type: "number", binding: "order" }],
        "parameters.0.type",
        /well-known and must have type date/,
      ],
      [
        [{ key: "n", label: "N", type: "number", binding: "order", min: 5, max: 1 }],
        "parameters.0.min",
        /greater than max/,
      ],
      [
        [{ key: "s", label: "S", type: "select", binding: "order" }],
        "parameters.0.options",
        /at least one option/,
      ],
      [
        [{ key: "t", label: "T", type: "text", binding: "order", maxLength: 3, default: "toolong" }],
        "parameters.0.default",
        /maximum is 3/,
      ],
      [
        [{ key: "d", label: "D", type: "date", binding: "order", default: "next week" }],
        "parameters.0.default",
        /date \(YYYY-MM-DD\) or a duration/,
      ],
      [
        [
          { key: "a", label: "A", type: "text", binding: "order" },
          { key: "a", label: "A", type: "text", binding: "order" },
        ],
        "parameters.1.key",
        /defined twice/,
      ],
    ];
    for (const [parameters, field, message] of cases) {
      const res = await s.api.post("/api/v1/products", { code: 5999, name: "Bad", parameters });
      expect(res.status, JSON.stringify(parameters)).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_FAILED");
      const issue = res.body.error.details.issues.find((i: { field: string }) => i.field === field);
      expect(issue, JSON.stringify(res.body)).toBeDefined();
      expect(issue.message).toMatch(message);
    }
    expect((await s.api.get("/api/v1/products/5999")).status).toBe(404);
  });

  it("rejects unknown fields and wrong types in the body", async () => {
    const unknown = await s.api.post("/api/v1/products", { code: 5998, name: "X", colour: "red" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.issues).toEqual([{ field: "colour", message: "is not a known field" }]);
    const wrongType = await s.api.post("/api/v1/products", { code: "5998", name: "X" });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toMatch(/^code:/);
  });

  it("applies updates to licenses created afterwards only", async () => {
    const p = await createProduct(s.api, { code: 5003 });
    const before = await s.api.post("/api/v1/orders", { items: [{ product: 5003 }] });
    const updated = await s.api.patch("/api/v1/products/5003", {
      name: "Studio Pro 2",
      parameters: p.parameters.map((d: { key: string }) => (d.key === "seats" ? { ...d, default: 5 } : d)),
    });
    expect(updated.status).toBe(200);
    expect(updated.body.revision).toBe(2);
    const after = await s.api.post("/api/v1/orders", { items: [{ product: 5003 }] });
    expect(before.body.licenses[0]).toMatchObject({ seats: 1, product: { name: "Studio Pro" } });
    expect(after.body.licenses[0]).toMatchObject({ seats: 5, product: { name: "Studio Pro 2" } });
    const reread = await s.api.get(`/api/v1/licenses/${before.body.licenses[0].id}`);
    expect(reread.body.seats).toBe(1);
  });

  it("archives a product so that it takes no new orders, and restores it", async () => {
    await createProduct(s.api, { code: 5004 });
    const archived = await s.api.post("/api/v1/products/5004/archive");
    expect(archived.body.status).toBe("archived");
    const order = await s.api.post("/api/v1/orders", { items: [{ product: 5004 }] });
    expect(order.status).toBe(400);
    expect(order.body.error.message).toMatch(/items.0.product: product 5004 is archived/);
    const listed = await s.api.get("/api/v1/products?status=archived");
    expect(listed.body.data.map((p: { code: number }) => p.code)).toEqual([5004]);
    await s.api.post("/api/v1/products/5004/restore");
    expect((await s.api.post("/api/v1/orders", { items: [{ product: 5004 }] })).status).toBe(201);
  });

  it("pages through products with a cursor", async () => {
    for (let i = 0; i < 5; i++) await createProduct(s.api, { code: 6000 + i });
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResponse = await s.api.get(
        `/api/v1/products?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((p: { code: number }) => p.code));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen).toEqual(expect.arrayContaining([6000, 6001, 6002, 6003, 6004]));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("requires an API key", async () => {
    const res = await s.api.as(null).get("/api/v1/products");
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHENTICATED");
    expect((await s.api.as("lic_wrong").get("/api/v1/products")).status).toBe(401);
  });
});
