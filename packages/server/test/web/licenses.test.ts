import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  activate,
  createCategory,
  createGroup,
  createOrder,
  createProduct,
  createUser,
  grant,
} from "../support/factories.ts";
import { type ApiClient, dialects, startTestServer, type TestServer } from "../support/harness.ts";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "../support/partners.ts";
import { parseCsv, textOf, WebClient } from "../support/web.ts";

const PASSWORD = "a long enough password";
const LICENSE_LINK = /href="\/licenses\/([0-9a-f-]{36})"/g;

type Actor = { user: { id: string; email: string }; api: ApiClient };

/** The license ids a list page links to, in order. */
const linkedLicenses = (html: string) => [...html.matchAll(LICENSE_LINK)].map((m) => m[1]!);

describe.each(await dialects())("the license pages on %s", (dialect) => {
  let s: TestServer;
  let product: { code: number; name: string };
  let other: { code: number; name: string };
  let partners: { id: string; name: string };
  let yearly: { id: string; name: string };
  let alice: Actor;
  let carol: Actor;
  let bob: Actor;
  let aliceWeb: WebClient;
  let carolWeb: WebClient;
  let n = 0;

  /** An order of one license through the partners' category, as `who`. */
  async function order(who: ApiClient, customer: string, parameters: Record<string, unknown> = { seats: 2 }) {
    return createOrder(who, product.code, parameters, {
      category: partners.id,
      customer: { name: `Buyer ${++n}`, company: customer, email: `buyer${n}@example.com` },
    });
  }

  const license = async (id: string) => (await s.api.get(`/api/v1/licenses/${id}`)).body;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    product = await createProduct(s.api, { name: "Studio Pro" });
    other = await createProduct(s.api, { name: "Render Farm" });
    partners = await createCategory(s.api, "Partners", {
      [product.code]: {
        seats: { mode: "flexible", min: 1, max: 10 },
        edition: { mode: "flexible" },
        features: { mode: "flexible", options: ["export", "cloud"] },
      },
    });
    yearly = await createCategory(s.api, "Yearly");
    const put = await s.api.request("PUT", `/api/v1/categories/${yearly.id}/products/${other.code}`, {
      parameters: {},
      subscription: { type: "license", cancellationPeriod: "P3M", firstEnd: { mode: "fixed", value: "P1Y" } },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const resellerA = await createGroup(s.api, "Reseller A");
    const resellerB = await createGroup(s.api, "Reseller B");
    alice = await createUser(s.api, resellerA.id, { name: "Alice" });
    carol = await createUser(s.api, resellerA.id, { name: "Carol" });
    bob = await createUser(s.api, resellerB.id, { name: "Bob" });
    await grant(s.api, alice.user.id, partners.id, ["create", "modify", "revoke", "delete"]);
    await grant(s.api, alice.user.id, yearly.id, ["create", "revoke"]);
    await grant(s.api, carol.user.id, partners.id, ["create"]);
    await grant(s.api, carol.user.id, yearly.id, ["create"]);
    await grant(s.api, bob.user.id, partners.id, ["create", "modify", "revoke", "delete"]);
    aliceWeb = await new WebClient(s.url).signIn(alice.user.email, PASSWORD);
    carolWeb = await new WebClient(s.url).signIn(carol.user.email, PASSWORD);
  });
  afterAll(() => s?.close());

  it("lists, filters and pages the licenses, and exports the whole filtered list as CSV", async () => {
    const bulk = await alice.api.post("/api/v1/orders", {
      category: partners.id,
      customer: { name: "Peter Gibbons", company: "Initech" },
      items: [{ product: product.code, quantity: 26, parameters: { seats: 1 } }],
    });
    expect(bulk.status, JSON.stringify(bulk.body)).toBe(201);
    const acme = await order(alice.api, "Acme Corp");
    await s.api.post(`/api/v1/licenses/${acme.licenses[0].id}/revoke`);

    const first = await aliceWeb.get("/licenses?customer=initech");
    expect(first.status).toBe(200);
    expect(linkedLicenses(first.html)).toHaveLength(25);
    expect(textOf(first.html)).toContain("Showing 25 licenses.");
    const next = /href="(\/licenses\?[^"]*cursor=[^"]+)" rel="next"/
      .exec(first.html)![1]!
      .replaceAll("&amp;", "&");
    const second = await aliceWeb.get(next);
    expect(linkedLicenses(second.html)).toHaveLength(1);
    expect(second.html).not.toContain('rel="next"');
    const seen = new Set([...linkedLicenses(first.html), ...linkedLicenses(second.html)]);
    expect(seen).toEqual(new Set(bulk.body.licenses.map((l: { id: string }) => l.id)));
    // Each row links its order.
    expect(first.html).toContain(`href="/orders/${bulk.body.id}"`);

    const csv = await aliceWeb.get("/licenses.csv?customer=INITECH&state=active");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const rows = parseCsv(csv.html);
    expect(rows[0]).toEqual(
      expect.arrayContaining(["License", "Product", "Customer company", "State", "Created"]),
    );
    expect(rows).toHaveLength(27);
    const company = rows[0]!.indexOf("Customer company");
    const state = rows[0]!.indexOf("State");
    expect(new Set(rows.slice(1).map((r) => `${r[company]} ${r[state]}`))).toEqual(
      new Set(["Initech active"]),
    );

    const revoked = await aliceWeb.get("/licenses?state=revoked");
    expect(linkedLicenses(revoked.html)).toEqual([acme.licenses[0].id]);
    expect(textOf(revoked.html)).toContain("Acme Corp");
    expect(textOf(revoked.html)).toContain("Revoked");
    const byProduct = await aliceWeb.get(`/licenses?product=${other.code}`);
    expect(linkedLicenses(byProduct.html)).toHaveLength(0);
    expect(textOf(byProduct.html)).toContain("No license matches these filters.");
    const today = s.clock.now().toISOString().slice(0, 10);
    const inRange = await aliceWeb.get(`/licenses.csv?createdFrom=${today}&createdTo=${today}&customer=acme`);
    expect(parseCsv(inRange.html)).toHaveLength(2);
    const before = await aliceWeb.get("/licenses.csv?createdTo=2020-01-01");
    expect(parseCsv(before.html)).toHaveLength(1);

    const bad = await aliceWeb.get("/licenses?createdFrom=yesterday&createdTo=2026-02-30");
    expect(bad.status).toBe(400);
    expect(textOf(bad.html)).toContain("Enter a day as YYYY-MM-DD.");
    expect((await aliceWeb.get("/licenses?createdTo=2026-02-30")).status).toBe(400);
  });

  it("shows an expired license as expired, and filters by that state", async () => {
    const admin = await new WebClient(s.url).signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    const past = await createOrder(
      s.api,
      other.code,
      { expiresAt: "2020-01-31" },
      { customer: { company: "Old Co" } },
    );
    const res = await admin.get("/licenses?state=expired");
    expect(linkedLicenses(res.html)).toEqual([past.licenses[0].id]);
    const detail = await admin.get(`/licenses/${past.licenses[0].id}`);
    expect(textOf(detail.html)).toContain("This license expired on 2020-01-31.");
  });

  it("shows a license's facts, activations and history", async () => {
    const o = await order(alice.api, "Globex");
    const id = o.licenses[0].id;
    const act = await activate(s.api, o.ticket, id, "fingerprint-of-the-design-laptop", "Design laptop");
    expect(act.status).toBe(201);
    const res = await aliceWeb.get(`/licenses/${id}`);
    expect(res.status).toBe(200);
    const text = textOf(res.html);
    expect(text).toContain("Studio Pro license");
    expect(text).toContain("Globex");
    expect(text).toContain(o.ticket);
    expect(text).toContain("Partners");
    expect(text).toContain("1 of 2 used");
    expect(text).toContain("Design laptop");
    expect(text).toContain("fingerprint-of-t…");
    expect(text).not.toContain("fingerprint-of-the-design-laptop Design");
    expect(text).toMatch(/History.*Device activated.*the customer \(ticket holder\).*License created.*Alice/);
  });

  it("modifies a license through its form: the value changes and the version increases", async () => {
    const o = await order(alice.api, "Hooli");
    const id = o.licenses[0].id;
    const page = await aliceWeb.get(`/licenses/${id}`);
    expect(page.html).toContain(`action="/licenses/${id}/modify"`);
    expect(page.html).toMatch(/id="modify-seats"[^>]*min="1"|min="1"[^>]*id="modify-seats"/);

    const tooMany = await aliceWeb.post(`/licenses/${id}/modify`, { seats: "11", edition: "standard" });
    expect(tooMany.status).toBe(400);
    expect(textOf(tooMany.html)).toContain("11 is above this category's maximum of 10.");
    expect(tooMany.html).toMatch(/id="modify-seats"[^>]*aria-invalid="true"/);
    expect((await license(id)).version).toBe(1);

    const done = await aliceWeb.post(`/licenses/${id}/modify`, {
      seats: "5",
      edition: "pro",
      features: ["export", "cloud"],
    });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/licenses/${id}`);
    const after = await license(id);
    expect(after).toMatchObject({ seats: 5, version: 2, parameters: { edition: "pro" } });
    expect(after.features).toEqual(["export", "cloud"]);
    const shown = textOf((await aliceWeb.get(`/licenses/${id}`)).html);
    expect(shown).toContain("The license was modified: it is now at version 2.");
    expect(shown).toContain("seats: 2 → 5");
    expect(shown).toContain("edition: standard → pro");
    expect(shown).toContain("License modified");
  });

  it("does not let a form shown before another change overwrite it", async () => {
    const o = await order(alice.api, "Initech");
    const id = o.licenses[0].id;
    const page = await aliceWeb.get(`/licenses/${id}`);
    expect(page.html).toContain('name="_version" value="1"');
    // Meanwhile the ERP raises the seats.
    expect((await alice.api.patch(`/api/v1/licenses/${id}`, { parameters: { seats: 7 } })).status).toBe(200);
    // The form, as shown at version 1 (seats 2), now changes only the edition.
    const stale = await aliceWeb.post(`/licenses/${id}/modify`, {
      _version: "1",
      seats: "2",
      edition: "pro",
    });
    expect(stale.status).toBe(409);
    expect(textOf(stale.html)).toContain(
      "The license changed while you were editing it: it is now at version 2.",
    );
    expect(stale.html).toContain('name="_version" value="2"');
    expect(await license(id)).toMatchObject({ version: 2, seats: 7, parameters: { edition: "standard" } });
    const forged = await aliceWeb.post(`/licenses/${id}/modify`, { _version: "two", edition: "pro" });
    expect(forged.status).toBe(400);
    expect(textOf(forged.html)).toContain("This form is not one the page made (its version is unreadable).");
    expect((await license(id)).version).toBe(2);
  });

  it("revokes a license after a confirmation", async () => {
    const o = await order(alice.api, "Umbrella");
    const id = o.licenses[0].id;
    expect((await aliceWeb.get(`/licenses/${id}`)).html).toContain(`href="/licenses/${id}/revoke"`);
    const confirm = await aliceWeb.get(`/licenses/${id}/revoke`);
    expect(confirm.status).toBe(200);
    expect(textOf(confirm.html)).toContain("Revoke this license?");
    expect((await license(id)).status).toBe("active");
    const res = await aliceWeb.post(`/licenses/${id}/revoke`, {});
    expect(res.status).toBe(303);
    expect((await license(id)).status).toBe("revoked");
    const page = await aliceWeb.follow(res.location!);
    expect(textOf(page.html)).toContain("license is revoked");
    expect(page.html).not.toContain(`href="/licenses/${id}/revoke"`);
    expect(page.html).not.toContain(`action="/licenses/${id}/modify"`);
  });

  it("offers delete only while a license was never activated", async () => {
    const used = await order(alice.api, "Used Co");
    const usedId = used.licenses[0].id;
    await activate(s.api, used.ticket, usedId, "fingerprint-used-0001", "Desk");
    expect((await aliceWeb.get(`/licenses/${usedId}`)).html).not.toContain(
      `href="/licenses/${usedId}/delete"`,
    );
    const refused = await aliceWeb.post(`/licenses/${usedId}/delete`, {});
    expect(refused.status).toBe(409);
    expect((await s.api.get(`/api/v1/licenses/${usedId}`)).status).toBe(200);

    const fresh = await order(alice.api, "Fresh Co");
    const id = fresh.licenses[0].id;
    expect((await aliceWeb.get(`/licenses/${id}`)).html).toContain(`href="/licenses/${id}/delete"`);
    expect(textOf((await aliceWeb.get(`/licenses/${id}/delete`)).html)).toContain("Delete this license?");
    const res = await aliceWeb.post(`/licenses/${id}/delete`, {});
    expect(res.status).toBe(303);
    expect(res.location).toBe("/licenses");
    expect((await s.api.get(`/api/v1/licenses/${id}`)).status).toBe(404);
    expect(textOf((await aliceWeb.get("/licenses")).html)).toContain("license of Fresh Co, Buyer");
  });

  it("offers no action without the right, and refuses a forged post with 403 changing nothing", async () => {
    const o = await order(alice.api, "Stark Industries");
    const id = o.licenses[0].id;
    const page = await carolWeb.get(`/licenses/${id}`);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain("Stark Industries");
    for (const action of ["revoke", "delete"])
      expect(page.html).not.toContain(`href="/licenses/${id}/${action}"`);
    expect(page.html).not.toContain(`action="/licenses/${id}/modify"`);
    expect((await carolWeb.get(`/licenses/${id}/revoke`)).status).toBe(403);

    const revoke = await carolWeb.post(`/licenses/${id}/revoke`, {});
    expect(revoke.status).toBe(403);
    expect(textOf(revoke.html)).toContain("Not allowed");
    const modify = await carolWeb.post(`/licenses/${id}/modify`, { seats: "3", edition: "pro" });
    expect(modify.status).toBe(403);
    const del = await carolWeb.post(`/licenses/${id}/delete`, {});
    expect(del.status).toBe(403);
    expect(await license(id)).toMatchObject({ status: "active", version: 1, seats: 2 });
  });

  it("cancels a subscription and withdraws the cancellation", async () => {
    const o = await createOrder(
      alice.api,
      other.code,
      {},
      { category: yearly.id, customer: { company: "Wayne" } },
    );
    const id = o.licenses[0].id;
    const page = await aliceWeb.get(`/licenses/${id}`);
    expect(textOf(page.html)).toMatch(/Subscription Status Running/);
    expect(page.html).toContain(`action="/licenses/${id}/subscription/cancel"`);
    expect(page.html).not.toContain(`action="/licenses/${id}/subscription/withdraw"`);
    // Carol holds no revoke right on the category: nothing offered, a forged post refused.
    const carols = await carolWeb.get(`/licenses/${id}`);
    expect(carols.html).not.toContain(`action="/licenses/${id}/subscription/cancel"`);
    expect((await carolWeb.post(`/licenses/${id}/subscription/cancel`, {})).status).toBe(403);
    const sub = async () => (await s.api.get(`/api/v1/subscriptions?license=${id}`)).body.data[0];
    expect((await sub()).status).toBe("active");

    const cancelled = await aliceWeb.post(`/licenses/${id}/subscription/cancel`, {});
    expect(cancelled.status).toBe(303);
    expect((await sub()).status).toBe("cancelled");
    const after = await aliceWeb.follow(cancelled.location!);
    expect(textOf(after.html)).toContain("The subscription is cancelled");
    expect(after.html).toContain(`action="/licenses/${id}/subscription/withdraw"`);
    expect(after.html).not.toContain(`action="/licenses/${id}/subscription/cancel"`);

    const withdrawn = await aliceWeb.post(`/licenses/${id}/subscription/withdraw`, {});
    expect(withdrawn.status).toBe(303);
    expect((await sub()).status).toBe("active");
    const last = textOf((await aliceWeb.follow(withdrawn.location!)).html);
    expect(last).toContain("The cancellation is withdrawn");
    expect(last).toMatch(/History.*Cancellation withdrawn.*Subscription cancelled.*Subscription started/);
  });

  it("shows another reseller's license to nobody else: 404, and absent from lists and exports", async () => {
    const o = await order(alice.api, "Secret Customer");
    const id = o.licenses[0].id;
    const bobWeb = await new WebClient(s.url).signIn(bob.user.email, PASSWORD);
    for (const path of [`/licenses/${id}`, `/licenses/${id}/revoke`, `/licenses/${id}/delete`])
      expect((await bobWeb.get(path)).status, path).toBe(404);
    expect((await bobWeb.post(`/licenses/${id}/revoke`, {})).status).toBe(404);
    expect((await bobWeb.post(`/licenses/${id}/modify`, { seats: "3" })).status).toBe(404);
    expect(textOf((await bobWeb.get("/licenses?customer=secret")).html)).toContain("No license matches");
    expect(parseCsv((await bobWeb.get("/licenses.csv")).html)).toHaveLength(1);
    expect((await license(id)).status).toBe("active");
  });

  it("answers a filter sent twice with 400 next to the field, on the list and in the CSV", async () => {
    const twice = await aliceWeb.get("/licenses?state=active&state=revoked&customer=acme");
    expect(twice.status).toBe(400);
    expect(textOf(twice.html)).toContain("Send this field once");
    expect(linkedLicenses(twice.html)).toEqual([]);
    expect((await aliceWeb.get("/licenses?customer=a&customer=b")).status).toBe(400);
    expect((await aliceWeb.get("/licenses.csv?order=a&order=b")).status).toBe(400);
  });

  it("searches customers literally: % and _ match only themselves", async () => {
    const percent = await order(alice.api, "Fifty% Off Ltd");
    const underscore = await order(alice.api, "Snake_Case GmbH");
    await order(alice.api, "SnakeXCase AG");
    const search = async (text: string) => {
      const res = await aliceWeb.get(`/licenses?customer=${encodeURIComponent(text)}`);
      expect(res.status).toBe(200);
      return linkedLicenses(res.html);
    };
    expect(await search("%")).toEqual([percent.licenses[0].id]);
    expect(await search("e_c")).toEqual([underscore.licenses[0].id]);
    expect(await search("_")).toEqual([underscore.licenses[0].id]);
    const csv = parseCsv((await aliceWeb.get(`/licenses.csv?customer=${encodeURIComponent("y%")}`)).html);
    expect(csv.slice(1).map((r) => r[0])).toEqual([percent.licenses[0].id]);
  });
});
