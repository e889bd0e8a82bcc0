import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCategory, createGroup, createProduct, createUser, grant } from "../support/factories.ts";
import { type ApiClient, dialects, startTestServer, type TestServer } from "../support/harness.ts";

/** The seed scenario of the partner model (DESIGN §2.2, §2.3), through the REST API. */
describe.each(await dialects())("partners on %s", (dialect) => {
  let s: TestServer;
  let demo: number;
  let partners: { id: string };
  let internal: { id: string };
  let resellerA: { id: string };
  let resellerB: { id: string };
  let alice: { user: { id: string }; api: ApiClient };
  let bob: { user: { id: string }; api: ApiClient };
  let staff: { user: { id: string }; api: ApiClient };

  beforeAll(async () => {
    s = await startTestServer(dialect);
    s.clock.set("2026-04-01T09:00:00Z");
    demo = (
      await createProduct(s.api, {
        name: "Demo",
        parameters: [
          { key: "expiresAt", label: "Expiry", type: "date", binding: "order", default: "P30D" },
          { key: "seats", label: "Seats", type: "number", binding: "order", default: 1, min: 1, max: 100 },
          {
            key: "edition",
            label: "Edition",
            type: "select",
            binding: "order",
            options: ["standard", "pro"],
            default: "standard",
          },
          { key: "note", label: "Note", type: "text", binding: "order" },
        ],
      })
    ).code;
    partners = await createCategory(s.api, "Partners", {
      [demo]: {
        expiresAt: { mode: "fixed", value: "P30D" },
        seats: { mode: "flexible", min: 1, max: 5 },
        edition: { mode: "fixed", value: "standard" },
      },
    });
    internal = await createCategory(s.api, "Internal staff", {
      [demo]: {
        expiresAt: { mode: "flexible", input: "select", options: ["P5D", "P30D", "P60D", "P90D"] },
        seats: { mode: "flexible" },
        edition: { mode: "flexible" },
      },
    });
    resellerA = await createGroup(s.api, "Reseller A");
    resellerB = await createGroup(s.api, "Reseller B");
    alice = await createUser(s.api, resellerA.id, { isAdmin: true, name: "Alice" });
    bob = await createUser(s.api, resellerB.id, { isAdmin: true, name: "Bob" });
    staff = await createUser(s.api, "00000000-0000-7000-8000-000000000000", { name: "Staff" });
    await grant(s.api, alice.user.id, partners.id, ["create", "modify", "revoke"]);
    await grant(s.api, bob.user.id, partners.id, ["create", "modify", "revoke", "delete"]);
    await grant(s.api, staff.user.id, internal.id, ["create"]);
  });
  afterAll(() => s.close());

  it("refuses a caller without the create right before saying whether an external order number is taken", async () => {
    const taken = await s.api.post("/api/v1/orders", {
      category: internal.id,
      externalOrderNumber: "ERP-TAKEN-1",
      items: [{ product: demo }],
    });
    expect(taken.status, JSON.stringify(taken.body)).toBe(201);
    // Bob holds no right on Internal: the same answer whether the number is taken or not.
    for (const externalOrderNumber of ["ERP-TAKEN-1", "ERP-FREE-1"]) {
      const res = await bob.api.post("/api/v1/orders", {
        category: internal.id,
        externalOrderNumber,
        items: [{ product: demo }],
      });
      expect(res.status, externalOrderNumber).toBe(403);
      expect(res.body.error.code).toBe("FORBIDDEN");
    }
  });

  it("limits a partner's expiry to the category's fixed 30 days", async () => {
    const ok = await alice.api.post("/api/v1/orders", {
      category: partners.id,
      items: [{ product: demo, parameters: { seats: 3 } }],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.categoryId).toBe(partners.id);
    expect(ok.body.licenses[0]).toMatchObject({
      expiresAt: "2026-05-01",
      seats: 3,
      parameters: { edition: "standard" },
      categoryId: partners.id,
    });
    const longer = await alice.api.post("/api/v1/orders", {
      category: partners.id,
      items: [{ product: demo, parameters: { expiresAt: "P90D" } }],
    });
    expect(longer.status).toBe(400);
    expect(longer.body.error.message).toMatch(
      /items.0.parameters.expiresAt: "P90D" differs from this category's fixed value "P30D"/,
    );
    const same = await alice.api.post("/api/v1/orders", {
      category: partners.id,
      items: [{ product: demo, parameters: { expiresAt: "P30D" } }],
    });
    expect(same.status).toBe(201);
  });

  it("lets internal staff choose 5, 30, 60 or 90 days and nothing else", async () => {
    for (const [rule, day] of [
      ["P5D", "2026-04-06"],
      ["P60D", "2026-05-31"],
      ["P90D", "2026-06-30"],
    ]) {
      const res = await staff.api.post("/api/v1/orders", {
        category: internal.id,
        items: [{ product: demo, parameters: { expiresAt: rule } }],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.licenses[0].expiresAt).toBe(day);
    }
    const odd = await staff.api.post("/api/v1/orders", {
      category: internal.id,
      items: [{ product: demo, parameters: { expiresAt: "P45D" } }],
    });
    expect(odd.status).toBe(400);
    expect(odd.body.error.message).toMatch(
      /"P45D" is not one of this category's values \["P5D","P30D","P60D","P90D"\]/,
    );
  });

  it("yields two different licenses from the same product in two categories", async () => {
    const viaPartners = await s.api.post("/api/v1/orders", {
      category: partners.id,
      items: [{ product: demo, parameters: { seats: 2 } }],
    });
    const viaInternal = await s.api.post("/api/v1/orders", {
      category: internal.id,
      items: [{ product: demo, parameters: { seats: 2, expiresAt: "P90D", edition: "pro" } }],
    });
    expect(viaPartners.body.licenses[0]).toMatchObject({
      expiresAt: "2026-05-01",
      parameters: { edition: "standard" },
    });
    expect(viaInternal.body.licenses[0]).toMatchObject({
      expiresAt: "2026-06-30",
      parameters: { edition: "pro" },
    });
  });

  it("enforces flexible bounds and refuses unconfigured parameters, naming the rule", async () => {
    const many = await alice.api.post("/api/v1/orders", {
      category: partners.id,
      items: [{ product: demo, parameters: { seats: 6, note: "hi" } }],
    });
    expect(many.status).toBe(400);
    const messages = many.body.error.details.issues.map(
      (i: { field: string; message: string }) => `${i.field}: ${i.message}`,
    );
    expect(messages).toContain("items.0.parameters.seats: 6 is above this category's maximum of 5");
    expect(messages).toContain(
      "items.0.parameters.note: note is not configurable in this category; it takes the product's default",
    );
  });

  it("refuses orders outside the user's categories and products outside the category", async () => {
    const noRight = await alice.api.post("/api/v1/orders", {
      category: internal.id,
      items: [{ product: demo }],
    });
    expect(noRight.status).toBe(403);
    expect(noRight.body.error.message).toMatch(/lack the right "create"/);
    const noCategory = await alice.api.post("/api/v1/orders", { items: [{ product: demo }] });
    expect(noCategory.status).toBe(403);
    const unknown = await s.api.post("/api/v1/orders", {
      category: "01900000-0000-7000-8000-000000000000",
      items: [{ product: demo }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.issues[0].field).toBe("category");
    const other = (await createProduct(s.api, { name: "Other" })).code;
    const notIn = await alice.api.post("/api/v1/orders", {
      category: partners.id,
      items: [{ product: other }],
    });
    expect(notIn.status).toBe(400);
    expect(notIn.body.error.message).toMatch(/is not in this category/);
  });

  it("keeps modifications within the category's rules and needs the modify right", async () => {
    const order = await alice.api.post("/api/v1/orders", {
      category: partners.id,
      items: [{ product: demo }],
    });
    const id = order.body.licenses[0].id;
    expect((await alice.api.patch(`/api/v1/licenses/${id}`, { parameters: { seats: 4 } })).status).toBe(200);
    const beyond = await alice.api.patch(`/api/v1/licenses/${id}`, { parameters: { seats: 9 } });
    expect(beyond.status).toBe(400);
    const fixed = await alice.api.patch(`/api/v1/licenses/${id}`, { parameters: { expiresAt: "P60D" } });
    expect(fixed.status).toBe(400);
    const noDelete = await alice.api.delete(`/api/v1/licenses/${id}`);
    expect(noDelete.status).toBe(403);
    expect((await s.api.get(`/api/v1/licenses/${id}`)).body).toMatchObject({ seats: 4, version: 2 });
  });

  it("hides a reseller's orders and licenses from a sibling reseller", async () => {
    const order = await alice.api.post("/api/v1/orders", {
      category: partners.id,
      items: [{ product: demo }],
    });
    const id = order.body.licenses[0].id;
    expect((await bob.api.get(`/api/v1/orders/${order.body.id}`)).status).toBe(404);
    expect((await bob.api.get(`/api/v1/licenses/${id}`)).status).toBe(404);
    expect((await bob.api.patch(`/api/v1/licenses/${id}`, { parameters: { seats: 2 } })).status).toBe(404);
    expect((await bob.api.post(`/api/v1/licenses/${id}/revoke`)).status).toBe(404);
    expect((await bob.api.delete(`/api/v1/licenses/${id}`)).status).toBe(404);
    const bobsOrders = (await bob.api.get("/api/v1/orders?limit=200")).body.data.map(
      (o: { id: string }) => o.id,
    );
    expect(bobsOrders).not.toContain(order.body.id);
    const bobsLicenses = (await bob.api.get("/api/v1/licenses?limit=200")).body.data.map(
      (l: { id: string }) => l.id,
    );
    expect(bobsLicenses).not.toContain(id);
    expect((await s.api.get(`/api/v1/licenses/${id}`)).body).toMatchObject({ status: "active", version: 1 });
    const alicesOrders = (await alice.api.get("/api/v1/orders?limit=200")).body.data;
    expect(alicesOrders.length).toBeGreaterThan(0);
    for (const o of alicesOrders)
      expect(o.licenses.every((l: { categoryId: string }) => l.categoryId === partners.id)).toBe(true);
  });

  it("shows an admin its subgroups' orders, and a plain user only its own group's", async () => {
    const sub = await createGroup(alice.api, "A's sub-reseller", resellerA.id);
    const subUser = await createUser(alice.api, sub.id);
    await grant(alice.api, subUser.user.id, partners.id, ["create"]);
    const subOrder = await subUser.api.post("/api/v1/orders", {
      category: partners.id,
      items: [{ product: demo }],
    });
    expect(subOrder.status).toBe(201);
    expect((await alice.api.get(`/api/v1/orders/${subOrder.body.id}`)).status).toBe(200);
    const plain = await createUser(alice.api, resellerA.id);
    expect((await plain.api.get(`/api/v1/orders/${subOrder.body.id}`)).status).toBe(404);
    const aliceOrder = (
      await alice.api.post("/api/v1/orders", { category: partners.id, items: [{ product: demo }] })
    ).body;
    expect((await plain.api.get(`/api/v1/orders/${aliceOrder.id}`)).status).toBe(200);
    expect((await subUser.api.get(`/api/v1/orders/${aliceOrder.id}`)).status).toBe(404);
  });

  it("drops an admin's grants to a user whose group moves out of the admin's subtree", async () => {
    const sub = await createGroup(alice.api, "Moving reseller", resellerA.id);
    const mover = await createUser(alice.api, sub.id);
    await grant(alice.api, mover.user.id, partners.id, ["create"]);
    expect(
      (await mover.api.post("/api/v1/orders", { category: partners.id, items: [{ product: demo }] })).status,
    ).toBe(201);
    const moved = await s.api.post(`/api/v1/groups/${sub.id}/move`, { parentId: resellerB.id });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect((await s.api.get(`/api/v1/users/${mover.user.id}/grants`)).body.data).toEqual([]);
    expect(
      (await mover.api.post("/api/v1/orders", { category: partners.id, items: [{ product: demo }] })).status,
    ).toBe(403);
  });

  it("lists to a partner only the categories it holds rights on", async () => {
    const names = (await alice.api.get("/api/v1/categories")).body.data.map((c: { name: string }) => c.name);
    expect(names).toEqual(["Partners"]);
    expect((await alice.api.get(`/api/v1/categories/${internal.id}`)).status).toBe(404);
    expect((await alice.api.post("/api/v1/categories", { name: "Mine" })).status).toBe(403);
  });
});

describe.each(await dialects())("categories on %s", (dialect) => {
  let s: TestServer;
  let code: number;
  beforeAll(async () => {
    s = await startTestServer(dialect);
    code = (await createProduct(s.api)).code;
  });
  afterAll(() => s.close());

  it("rejects a configuration that is not valid for the parameter's type", async () => {
    const c = await createCategory(s.api, "Checks");
    const cases: [Record<string, unknown>, string][] = [
      [{ seats: { mode: "flexible", input: "date" } }, "parameters.seats.input"],
      [{ seats: { mode: "flexible", min: 5, max: 2 } }, "parameters.seats.min"],
      [{ seats: { mode: "flexible", maxLength: 3 } }, "parameters.seats.maxLength"],
      [
        { expiresAt: { mode: "flexible", minRelative: "P30D", maxRelative: "P1D" } },
        "parameters.expiresAt.minRelative",
      ],
      [{ expiresAt: { mode: "flexible", maxRelative: "soon" } }, "parameters.expiresAt.maxRelative"],
      [{ edition: { mode: "fixed", value: "ultimate" } }, "parameters.edition.value"],
      [{ region: { mode: "fixed", value: "US" } }, "parameters.region"],
      [{ nope: { mode: "fixed", value: 1 } }, "parameters.nope"],
      [{ features: { mode: "flexible", options: ["teleport"] } }, "parameters.features.options.0"],
    ];
    for (const [parameters, field] of cases) {
      const res = await s.api.request("PUT", `/api/v1/categories/${c.id}/products/${code}`, { parameters });
      expect(res.status, JSON.stringify(parameters)).toBe(400);
      expect(
        res.body.error.details.issues.map((i: { field: string }) => i.field),
        JSON.stringify(res.body),
      ).toContain(field);
    }
    expect((await s.api.get(`/api/v1/categories/${c.id}`)).body.products).toEqual([]);
  });

  it("bounds flexible dates relative to the order's creation", async () => {
    s.clock.set("2026-01-10T00:00:00Z");
    const c = await createCategory(s.api, "Dated", {
      [code]: { expiresAt: { mode: "flexible", minRelative: "P1D", maxRelative: "P30D" } },
    });
    const ok = await s.api.post("/api/v1/orders", {
      category: c.id,
      items: [{ product: code, parameters: { expiresAt: "2026-02-09" } }],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const late = await s.api.post("/api/v1/orders", {
      category: c.id,
      items: [{ product: code, parameters: { expiresAt: "2026-02-10" } }],
    });
    expect(late.body.error.message).toMatch(/is after this category's maximum of P30D \(2026-02-09\)/);
    const defaultTooLong = await s.api.post("/api/v1/orders", { category: c.id, items: [{ product: code }] });
    expect(defaultTooLong.status).toBe(400);
    expect(defaultTooLong.body.error.message).toMatch(/must be given: the product's default "P1Y"/);
  });

  it("renames, refuses duplicate names, and deletes only when no license remembers it", async () => {
    const c = await createCategory(s.api, "Temp", { [code]: {} });
    expect((await s.api.post("/api/v1/categories", { name: "temp" })).body.error.code).toBe(
      "CATEGORY_NAME_TAKEN",
    );
    expect((await s.api.patch(`/api/v1/categories/${c.id}`, { name: "Temporary" })).body.name).toBe(
      "Temporary",
    );
    await s.api.post("/api/v1/orders", { category: c.id, items: [{ product: code }] });
    const refused = await s.api.delete(`/api/v1/categories/${c.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("CATEGORY_IN_USE");
    const empty = await createCategory(s.api, "Empty", { [code]: {} });
    expect((await s.api.delete(`/api/v1/categories/${empty.id}/products/${code}`)).body.products).toEqual([]);
    expect((await s.api.delete(`/api/v1/categories/${empty.id}`)).status).toBe(204);
    expect((await s.api.get(`/api/v1/categories/${empty.id}`)).status).toBe(404);
  });
});

describe.each(await dialects())("data fields on %s", (dialect) => {
  let s: TestServer;
  let code: number;
  let shop: { id: string };
  beforeAll(async () => {
    s = await startTestServer(dialect);
    code = (await createProduct(s.api)).code;
    shop = await createCategory(s.api, "Web shop", { [code]: { seats: { mode: "flexible", max: 10 } } });
    const fields = [
      {
        key: "erpOrderNumber",
        label: "ERP order number",
        type: "text",
        required: true,
        unique: true,
        pattern: "SO-[0-9]+",
        categories: [shop.id],
      },
      { key: "region", label: "Region", type: "select", options: ["EU", "US"] },
      { key: "budget", label: "Budget", type: "number", min: 0 },
      { key: "renewBy", label: "Renew by", type: "date" },
    ];
    for (const f of fields) expect((await s.api.post("/api/v1/data-fields", f)).status).toBe(201);
  });
  afterAll(() => s.close());

  it("validates values, requires what is required and stores them with the order", async () => {
    const missing = await s.api.post("/api/v1/orders", { category: shop.id, items: [{ product: code }] });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/dataFields.erpOrderNumber: ERP order number is required/);
    const bad = await s.api.post("/api/v1/orders", {
      category: shop.id,
      items: [{ product: code }],
      dataFields: { erpOrderNumber: "X-1", region: "ASIA", budget: -1, renewBy: "tomorrow", colour: "red" },
    });
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field).sort()).toEqual(
      [
        "dataFields.budget",
        "dataFields.colour",
        "dataFields.erpOrderNumber",
        "dataFields.region",
        "dataFields.renewBy",
      ].sort(),
    );
    const ok = await s.api.post("/api/v1/orders", {
      category: shop.id,
      items: [{ product: code }],
      dataFields: { erpOrderNumber: "SO-100", region: "EU", budget: 1200 },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.dataFields).toEqual({ erpOrderNumber: "SO-100", region: "EU", budget: 1200 });
    expect((await s.api.get(`/api/v1/orders/${ok.body.id}`)).body.dataFields).toEqual(ok.body.dataFields);
  });

  it("applies a category's fields only to orders of that category", async () => {
    const direct = await s.api.post("/api/v1/orders", {
      items: [{ product: code }],
      dataFields: { region: "US" },
    });
    expect(direct.status, JSON.stringify(direct.body)).toBe(201);
    const stray = await s.api.post("/api/v1/orders", {
      items: [{ product: code }],
      dataFields: { erpOrderNumber: "SO-1" },
    });
    expect(stray.status).toBe(400);
  });

  it("works as the ERP's idempotency key when unique", async () => {
    const body = {
      category: shop.id,
      items: [{ product: code, parameters: { seats: 2 } }],
      dataFields: { erpOrderNumber: "SO-777" },
    };
    const first = await s.api.post("/api/v1/orders", body);
    expect(first.status).toBe(201);
    const again = await s.api.post("/api/v1/orders", body);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const different = await s.api.post("/api/v1/orders", {
      ...body,
      items: [{ product: code, parameters: { seats: 3 } }],
    });
    expect(different.status).toBe(409);
    expect(different.body.error).toMatchObject({
      code: "DATA_FIELD_TAKEN",
      details: { field: "dataFields.erpOrderNumber" },
    });
  });

  it("filters order lists by data field values", async () => {
    await s.api.post("/api/v1/orders", {
      category: shop.id,
      items: [{ product: code }],
      dataFields: { erpOrderNumber: "SO-900", budget: 5 },
    });
    const byNumber = await s.api.get("/api/v1/orders?dataField=erpOrderNumber%3DSO-900");
    expect(
      byNumber.body.data.map((o: { dataFields: { erpOrderNumber: string } }) => o.dataFields.erpOrderNumber),
    ).toEqual(["SO-900"]);
    const byBudget = await s.api.get("/api/v1/orders?dataField=budget%3D5&dataField=erpOrderNumber%3DSO-900");
    expect(byBudget.body.data).toHaveLength(1);
    expect((await s.api.get("/api/v1/orders?dataField=nope%3D1")).status).toBe(400);
  });

  it("changes a field's rules, and deletes only a field no order uses", async () => {
    const changed = await s.api.patch("/api/v1/data-fields/budget", { label: "Budget (EUR)", max: 10 });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ key: "budget", label: "Budget (EUR)", min: 0, max: 10 });
    const over = await s.api.post("/api/v1/orders", {
      items: [{ product: code }],
      dataFields: { budget: 11 },
    });
    expect(over.body.error.message).toMatch(/dataFields.budget: 11 is above the maximum of 10/);
    const bad = await s.api.patch("/api/v1/data-fields/budget", { min: 20 });
    expect(bad.status).toBe(400);
    expect(
      (await s.api.get("/api/v1/data-fields")).body.data.find((f: { key: string }) => f.key === "budget").min,
    ).toBe(0);
    expect((await s.api.patch("/api/v1/data-fields/budget", { type: "text" })).status).toBe(400);
    const used = await s.api.delete("/api/v1/data-fields/erpOrderNumber");
    expect(used.status).toBe(400);
    expect(used.body.error.message).toMatch(/order\(s\) have a value for erpOrderNumber/);
    expect((await s.api.delete("/api/v1/data-fields/renewBy")).status).toBe(204);
    expect(
      (await s.api.get("/api/v1/data-fields")).body.data.map((f: { key: string }) => f.key),
    ).not.toContain("renewBy");
    expect((await s.api.delete("/api/v1/data-fields/renewBy")).status).toBe(404);
  });

  it("rejects inconsistent field definitions and only ISV admins configure them", async () => {
    const bad = await s.api.post("/api/v1/data-fields", { key: "x", label: "X", type: "select" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe("options");
    const reseller = await createGroup(s.api, "R");
    const u = await createUser(s.api, reseller.id, { isAdmin: true });
    expect((await u.api.post("/api/v1/data-fields", { key: "y", label: "Y", type: "text" })).status).toBe(
      403,
    );
  });
});
