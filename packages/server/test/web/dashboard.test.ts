import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCategory, createProduct, grant } from "../support/factories.ts";
import { type ApiClient, dialects, startTestServer, type TestServer } from "../support/harness.ts";
import { ADMIN_EMAIL, ADMIN_PASSWORD, clientFor, createGroup, createUser } from "../support/partners.ts";
import { textOf, WebClient } from "../support/web.ts";

/** The numbers of a chart's table: per row label, the non-zero counts by month heading. */
function chartNumbers(html: string, title: string): Record<string, Record<string, number>> {
  const start = html.indexOf(`<caption>${title}</caption>`);
  expect(start, `a table "${title}"`).toBeGreaterThan(-1);
  const table = html.slice(start, html.indexOf("<tfoot>", start));
  const cells = (row: string) =>
    [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => textOf(m[1]!));
  const [head, ...rows] = table.split("<tr>").slice(1);
  const months = cells(head!).slice(1, -1);
  const out: Record<string, Record<string, number>> = {};
  for (const row of rows) {
    const [label, ...values] = cells(row);
    const counts: Record<string, number> = {};
    months.forEach((m, i) => {
      if (Number(values[i]) !== 0) counts[m] = Number(values[i]);
    });
    out[label!] = counts;
  }
  return out;
}

/** The text of the card with this heading. */
function card(html: string, title: string): string {
  const start = html.indexOf(`>${title}</h2>`);
  expect(start, `a card "${title}"`).toBeGreaterThan(-1);
  return textOf(html.slice(start, html.indexOf("</section>", start)));
}

describe.each(await dialects())("the dashboard on %s", (dialect) => {
  let s: TestServer;
  let alpha: number;
  let beta: number;
  let gamma: number;
  let partners: { id: string };
  let monthly: { id: string };
  let yearly: { id: string };
  let resellerA: { id: string };
  let subA: { id: string };
  let resellerB: { id: string };
  let alice: { email: string; password: string; id: string };
  let carol: { email: string; password: string; id: string };
  let aliceApi: ApiClient;
  let carolApi: ApiClient;
  let bobApi: ApiClient;
  const orders: Record<string, string> = {};
  const licenses: Record<string, string> = {};

  async function order(name: string, who: ApiClient, product: number, quantity: number, category?: string) {
    const res = await who.post("/api/v1/orders", {
      ...(category ? { category } : {}),
      externalOrderNumber: `${name}-${dialect}`,
      customer: { company: `${name} GmbH` },
      items: [{ product, quantity }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    orders[name] = res.body.id;
    licenses[name] = res.body.licenses[0].id;
    return res.body;
  }

  async function subscriptionOf(name: string) {
    const res = await s.api.get(`/api/v1/subscriptions?license=${licenses[name]}`);
    return res.body.data[0] as { id: string; endDate: string; cancellationDeadline: string };
  }

  beforeAll(async () => {
    s = await startTestServer(dialect, { RENEWAL_SCHEDULE: "off" });
    s.clock.set("2025-05-31T12:00:00Z");
    alpha = (await createProduct(s.api, { name: "Alpha Suite" })).code;
    beta = (await createProduct(s.api, { name: "Beta Tools" })).code;
    gamma = (await createProduct(s.api, { name: "Gamma Cloud" })).code;
    partners = await createCategory(s.api, "Partners", { [alpha]: {}, [beta]: {} });
    monthly = await createCategory(s.api, "Short subscriptions");
    yearly = await createCategory(s.api, "Yearly subscriptions");
    for (const [category, firstEnd] of [
      [monthly, "P2M"],
      [yearly, "P1Y"],
    ] as const) {
      const put = await s.api.request("PUT", `/api/v1/categories/${category.id}/products/${gamma}`, {
        parameters: {},
        subscription: {
          type: "license",
          cancellationPeriod: "P1M",
          firstEnd: { mode: "fixed", value: firstEnd },
        },
      });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
    }
    resellerA = await createGroup(s.api, "Reseller A");
    subA = await createGroup(s.api, "Reseller A Munich", resellerA.id);
    resellerB = await createGroup(s.api, "Reseller B");
    alice = await createUser(s.api, resellerA.id, { isAdmin: true, name: "Alice Admin" });
    carol = await createUser(s.api, subA.id, { name: "Carol Member" });
    const bob = await createUser(s.api, resellerB.id, { isAdmin: true, name: "Bob Other" });
    for (const u of [alice, carol, bob]) await grant(s.api, u.id, partners.id, ["create"]);
    for (const u of [alice, bob]) await grant(s.api, u.id, monthly.id, ["create", "revoke"]);
    aliceApi = await clientFor(s.api, alice);
    carolApi = await clientFor(s.api, carol);
    bobApi = await clientFor(s.api, bob);

    // Before the twelve months the dashboard counts.
    await order("old", s.api, alpha, 4);
    s.clock.set("2026-01-10T09:00:00Z");
    await order("vendor-jan", s.api, alpha, 2);
    s.clock.set("2026-03-05T09:00:00Z");
    await order("alice-mar", aliceApi, alpha, 1, partners.id);
    s.clock.set("2026-03-20T09:00:00Z");
    await order("carol-mar", carolApi, beta, 3, partners.id);
    s.clock.set("2026-05-01T09:00:00Z");
    await order("bob-may", bobApi, beta, 1, partners.id);
    await order("alice-cancelled", aliceApi, gamma, 1, monthly.id);
    s.clock.set("2026-05-02T09:00:00Z");
    const cancelled = await subscriptionOf("alice-cancelled");
    expect((await aliceApi.post(`/api/v1/subscriptions/${cancelled.id}/cancel`)).status).toBe(200);
    s.clock.set("2026-06-15T10:00:00Z");
    await order("alice-renews", aliceApi, gamma, 1, monthly.id);
    await order("bob-renews", bobApi, gamma, 1, monthly.id);
    await order("vendor-yearly", s.api, gamma, 1, yearly.id);
  });
  afterAll(() => s.close());

  it("shows the ISV admin every license per month, by product and by group, as chart and table", async () => {
    const web = await new WebClient(s.url).signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    const home = await web.get("/");
    expect(home.status).toBe(200);
    const text = textOf(home.html);
    expect(text).toContain("Welcome, Administrator");
    expect(text).toContain("Your rights");
    expect(text).toContain("11 licenses you can see were created from Jul 2025 to Jun 2026");
    expect(chartNumbers(home.html, "Licenses created per month, by product")).toEqual({
      "Alpha Suite": { "Jan 2026": 2, "Mar 2026": 1 },
      "Beta Tools": { "Mar 2026": 3, "May 2026": 1 },
      "Gamma Cloud": { "May 2026": 1, "Jun 2026": 3 },
    });
    expect(chartNumbers(home.html, "Licenses created per month, by group")).toEqual({
      Vendor: { "Jan 2026": 2, "Jun 2026": 1 },
      "Reseller A": { "Mar 2026": 1, "May 2026": 1, "Jun 2026": 1 },
      "Reseller A Munich": { "Mar 2026": 3 },
      "Reseller B": { "May 2026": 1, "Jun 2026": 1 },
    });
    // The chart is an accessible image, styled by classes only (the CSP forbids style attributes).
    expect(home.html).toMatch(
      /<svg[^>]*role="img"[^>]*aria-labelledby="chart-products-title chart-products-desc"/,
    );
    expect(home.html).toContain(
      '<title id="chart-products-title">Licenses created per month, by product</title>',
    );
    expect(home.html).toMatch(
      /<desc id="chart-products-desc">11 licenses from Jul 2025 to Jun 2026, the most in Mar 2026 \(4\)/,
    );
    expect(home.html).toMatch(/<rect class="chart-s-\d"/);
    expect(home.html).not.toMatch(/\sstyle=/);
    expect(card(home.html, "Recent orders")).toContain("bob-may");
    expect(home.html).toContain(`href="/orders/${orders["vendor-yearly"]}"`);
  });

  it("lists the latest orders and the subscriptions that renew or end within 60 days", async () => {
    const web = await new WebClient(s.url).signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    const home = await web.get("/");
    const recent = card(home.html, "Recent orders");
    // Newest first; the order of May 2025 is the oldest and still among the last ten.
    expect(recent.indexOf("vendor-yearly")).toBeLessThan(recent.indexOf("carol-mar"));
    expect(recent).toContain("3 × Beta Tools");
    const renewals = card(home.html, "Coming up for renewal");
    expect(renewals).toContain("2026-07-01 Ends Gamma Cloud · alice-cancelled");
    expect(renewals).toContain(
      "2026-07-15 Renews unless cancelled (term ends 2026-08-15) Gamma Cloud · alice-renews",
    );
    expect(renewals).toContain("bob-renews");
    expect(renewals).not.toContain("vendor-yearly");
    expect(home.html).toContain(`href="/licenses/${licenses["alice-renews"]}"`);
    expect(home.html).toContain(`href="/licenses/${licenses["alice-cancelled"]}"`);
  });

  it("counts only a reseller admin's subtree", async () => {
    const web = await new WebClient(s.url).signIn(alice.email, alice.password);
    const home = await web.get("/");
    expect(home.status).toBe(200);
    expect(textOf(home.html)).toContain("6 licenses you can see were created");
    expect(chartNumbers(home.html, "Licenses created per month, by product")).toEqual({
      "Alpha Suite": { "Mar 2026": 1 },
      "Beta Tools": { "Mar 2026": 3 },
      "Gamma Cloud": { "May 2026": 1, "Jun 2026": 1 },
    });
    expect(chartNumbers(home.html, "Licenses created per month, by group")).toEqual({
      "Reseller A": { "Mar 2026": 1, "May 2026": 1, "Jun 2026": 1 },
      "Reseller A Munich": { "Mar 2026": 3 },
    });
    const recent = card(home.html, "Recent orders");
    for (const name of ["alice-mar", "carol-mar", "alice-cancelled", "alice-renews"])
      expect(recent).toContain(`${name}-${dialect}`);
    for (const name of ["bob-may", "bob-renews", "vendor-jan", "vendor-yearly"])
      expect(recent).not.toContain(name);
    const renewals = card(home.html, "Coming up for renewal");
    expect(renewals).toContain("alice-renews");
    expect(renewals).toContain("alice-cancelled");
    expect(renewals).not.toContain("bob-renews");
    expect(home.html).not.toContain("Reseller B");
  });

  it("counts only a member's own group", async () => {
    const web = await new WebClient(s.url).signIn(carol.email, carol.password);
    const home = await web.get("/");
    expect(chartNumbers(home.html, "Licenses created per month, by product")).toEqual({
      "Beta Tools": { "Mar 2026": 3 },
    });
    expect(chartNumbers(home.html, "Licenses created per month, by group")).toEqual({
      "Reseller A Munich": { "Mar 2026": 3 },
    });
    expect(card(home.html, "Recent orders")).not.toContain("alice-mar");
    expect(card(home.html, "Coming up for renewal")).toContain("No subscription you can see renews or ends");
  });

  it("says so when nothing was created in the last twelve months", async () => {
    const lonely = await createGroup(s.api, "Reseller C");
    const user = await createUser(s.api, lonely.id, { name: "Cleo Empty" });
    const web = await new WebClient(s.url).signIn(user.email, user.password);
    const home = await web.get("/");
    const text = textOf(home.html);
    expect(text).toContain("No licenses you can see were created from Jul 2025 to Jun 2026.");
    expect(text).toContain("No orders you can see yet.");
    expect(home.html).not.toContain("<svg");
  });
});
