import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCategory, createProduct, grant } from "../support/factories.ts";
import { type ApiClient, dialects, startTestServer, type TestServer } from "../support/harness.ts";
import { ADMIN_EMAIL, ADMIN_PASSWORD, clientFor, createGroup, createUser } from "../support/partners.ts";
import { parseCsv, textOf, WebClient } from "../support/web.ts";

type User = { id: string; email: string; password: string };

describe.each(await dialects())("the audit log page on %s", (dialect) => {
  let s: TestServer;
  let product: { id: string; code: number };
  let alice: User;
  let carol: User;
  let bob: User;
  let carolApi: ApiClient;
  let aliceApi: ApiClient;
  const orders: Record<string, string> = {};
  let vendor: WebClient;
  let reseller: WebClient;

  async function order(name: string, who: ApiClient, category: string) {
    const res = await who.post("/api/v1/orders", { category, items: [{ product: product.code }] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    orders[name] = res.body.id;
  }

  /** The entity ids of the CSV export's rows. */
  const csvIds = async (web: WebClient, query = "") => {
    const res = await web.get(`/audit.csv${query}`);
    expect(res.status).toBe(200);
    const [header, ...rows] = parseCsv(res.html);
    return rows.map((r) => r[header!.indexOf("entityId")]!);
  };

  beforeAll(async () => {
    s = await startTestServer(dialect);
    s.clock.set("2026-02-10T08:00:00Z");
    product = await createProduct(s.api, { name: "Audit Studio" });
    const partners = await createCategory(s.api, "Partners", { [product.code]: {} });
    const resellerA = await createGroup(s.api, "Reseller A");
    const subA = await createGroup(s.api, "Reseller A Munich", resellerA.id);
    const resellerB = await createGroup(s.api, "Reseller B");
    alice = await createUser(s.api, resellerA.id, { isAdmin: true, name: "Alice Admin" });
    carol = await createUser(s.api, subA.id, { name: "Carol Member" });
    bob = await createUser(s.api, resellerB.id, { isAdmin: true, name: "Bob Other" });
    for (const u of [alice, carol, bob]) await grant(s.api, u.id, partners.id, ["create"]);
    aliceApi = await clientFor(s.api, alice);
    carolApi = await clientFor(s.api, carol);
    const bobApi = await clientFor(s.api, bob);
    s.clock.set("2026-03-01T09:00:00Z");
    await order("alice", aliceApi, partners.id);
    s.clock.set("2026-03-05T09:00:00Z");
    await order("carol", carolApi, partners.id);
    await order("bob", bobApi, partners.id);
    vendor = await new WebClient(s.url).signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    reseller = await new WebClient(s.url).signIn(alice.email, alice.password);
  });
  afterAll(() => s.close());

  it("shows the ISV admin every event, newest first, with links to the changed things", async () => {
    const page = await vendor.get("/audit");
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    for (const id of Object.values(orders)) expect(page.html).toContain(`href="/orders/${id}"`);
    expect(page.html).toContain(`href="/catalog/products/${product.code}"`);
    expect(text).toContain("product.created");
    expect(text).toMatch(
      /2026-03-05 09:00 UTC Carol Member \(\S+\) with the API key “key of \S+” api order\.created/,
    );
    expect(text.indexOf(orders.carol!)).toBeLessThan(text.indexOf(orders.alice!));
    expect(text).toContain("Export as CSV");
    const ids = await csvIds(vendor);
    expect(ids).toEqual(expect.arrayContaining([...Object.values(orders), product.id]));
  });

  it("shows a reseller admin only its subtree's events, on the page and in the CSV", async () => {
    const page = await reseller.get("/audit");
    expect(page.status).toBe(200);
    expect(page.html).toContain(`href="/orders/${orders.alice}"`);
    expect(page.html).toContain(`href="/orders/${orders.carol}"`);
    expect(page.html).not.toContain(orders.bob!);
    expect(page.html).not.toContain("product.created");
    expect(page.html).not.toContain(bob.email);
    const ids = await csvIds(reseller);
    expect(ids).toEqual(expect.arrayContaining([orders.alice, orders.carol, carol.id]));
    expect(ids).not.toContain(orders.bob);
    expect(ids).not.toContain(product.id);
    expect(ids).not.toContain(bob.id);
    // The REST API gives the same answer.
    const api = await aliceApi.get("/api/v1/audit-events?limit=500");
    expect(api.status).toBe(200);
    expect(api.body.data.map((e: { entity: { id: string } }) => e.entity.id).sort()).toEqual([...ids].sort());
  });

  it("refuses a plain member, on the page, in the CSV and through the API", async () => {
    const member = await new WebClient(s.url).signIn(carol.email, carol.password);
    const page = await member.get("/audit");
    expect(page.status).toBe(403);
    expect(textOf(page.html)).toContain("Only admins may read the audit log.");
    expect(page.html).not.toContain(orders.carol!);
    expect((await member.get("/audit.csv")).status).toBe(403);
    expect((await carolApi.get("/api/v1/audit-events")).status).toBe(403);
  });

  it("refuses a plain member before reading the filters: Not allowed, never a filter error", async () => {
    const member = await new WebClient(s.url).signIn(carol.email, carol.password);
    for (const path of [
      "/audit?from=2026-02-30",
      "/audit?from=yesterday&to=2026-13-40",
      "/audit?action=a&action=b",
      "/audit.csv?from=x",
      "/audit.csv?cursor=-1",
    ]) {
      const page = await member.get(path);
      expect(page.status, path).toBe(403);
      expect(textOf(page.html), path).toContain("Only admins may read the audit log.");
      expect(page.html, path).not.toContain('id="f-from-error"');
    }
  });

  it("filters by action, kind of thing, actor and days", async () => {
    expect(await csvIds(vendor, "?action=order.created")).toEqual([orders.bob, orders.carol, orders.alice]);
    const licenses = await csvIds(vendor, "?entityType=license");
    expect(licenses).toHaveLength(3);
    expect(await csvIds(vendor, `?actor=${encodeURIComponent(carol.email)}&entityType=order`)).toEqual([
      orders.carol,
    ]);
    expect(await csvIds(reseller, "?action=order.created&from=2026-03-01&to=2026-03-01")).toEqual([
      orders.alice,
    ]);
    expect(await csvIds(reseller, "?action=order.created&from=2026-03-02")).toEqual([orders.carol]);
    expect(await csvIds(vendor, `?entityId=${orders.bob}`)).toEqual(expect.arrayContaining([orders.bob]));
    // As a browser sends the form: every field, the empty ones too.
    const submitted = await vendor.get("/audit?action=order.created&entityType=&entityId=&actor=&from=&to=");
    expect(submitted.status).toBe(200);
    expect(submitted.html).toContain(`href="/orders/${orders.bob}"`);
    const filtered = await vendor.get("/audit?action=order.created&entityType=order");
    expect(filtered.status).toBe(200);
    expect(filtered.html).toContain('value="order.created"');
    expect(filtered.html).toMatch(/<option value="order" selected/);
    expect(filtered.html).toContain('href="/audit.csv?action=order.created&amp;entityType=order"');
  });

  it("shows a filter that cannot be read next to its field, with no events", async () => {
    const bad = await vendor.get("/audit?from=yesterday");
    expect(bad.status).toBe(400);
    expect(bad.html).toMatch(/id="f-from-error"[^>]*>.*Use a date, YYYY-MM-DD\./s);
    expect(bad.html).not.toContain(orders.alice!);
    const impossible = await vendor.get("/audit?to=2026-13-40");
    expect(impossible.status).toBe(400);
    expect(impossible.html).toContain('id="f-to-error"');
    // A key sent twice (a hand-made address) is refused like a malformed filter.
    const twice = await vendor.get("/audit?action=order.created&action=license.created");
    expect(twice.status).toBe(400);
    expect(twice.html).toContain('id="f-action-error"');
    expect((await vendor.get("/audit.csv?cursor=1&cursor=2")).status).toBe(400);
  });

  it("pages backwards through the log from a cursor", async () => {
    const all = await s.api.get("/api/v1/audit-events?action=order.created");
    const carolSeq = all.body.data.find((e: { entity: { id: string } }) => e.entity.id === orders.carol).seq;
    const page = await vendor.get(`/audit?action=order.created&cursor=${carolSeq}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(orders.alice!);
    expect(page.html).not.toContain(orders.carol!);
    expect(page.html).not.toContain(orders.bob!);
    expect(textOf(page.html)).toContain("First page");
  });
});
