import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCategory, createOrder, createProduct, grant } from "../support/factories.ts";
import { dialects, startTestServer, type TestServer } from "../support/harness.ts";
import { ADMIN_EMAIL, ADMIN_PASSWORD, clientFor, createGroup, createUser } from "../support/partners.ts";
import { parseCsv, textOf, WebClient } from "../support/web.ts";

/** The text of a page's results card (the part after the filters). */
function resultsOf(html: string): string {
  return textOf(html.slice(html.indexOf('id="order-results"')));
}

/** The order ids a page links to, in the order shown. */
function linkedOrders(html: string): string[] {
  return [...html.matchAll(/href="\/orders\/([0-9a-f-]{36})"/g)].map((m) => m[1]!);
}

describe.each(await dialects())("the orders list on %s", (dialect) => {
  let server: TestServer;
  let admin: WebClient;
  const ids: Record<string, string> = {};
  let tickets: Record<string, string>;
  let productA: number;
  let productB: number;
  let reseller: { email: string; password: string };
  let member: { email: string; password: string };

  beforeAll(async () => {
    server = await startTestServer(dialect);
    const api = server.api;
    productA = (await createProduct(api, { name: "Studio Pro" })).code;
    productB = (await createProduct(api, { name: "Render Farm" })).code;
    const category = await createCategory(api, "Partners", { [productA]: {} });
    const groupOne = await createGroup(api, "Reseller One");
    const groupTwo = await createGroup(api, "Reseller Two");
    const one = await createUser(api, groupOne.id);
    const two = await createUser(api, groupTwo.id);
    const idle = await createUser(api, groupOne.id);
    await grant(api, one.id, category.id, ["create"]);
    await grant(api, two.id, category.id, ["create"]);
    await grant(api, idle.id, category.id, ["modify"]);
    reseller = one;
    member = idle;

    const at = async (day: string, make: () => Promise<{ id: string; ticket: string }>) => {
      server.clock.set(`${day}T12:00:00Z`);
      return make();
    };
    const ada = await at("2026-01-10", () =>
      createOrder(api, productA, {}, { externalOrderNumber: "EXT-1", customer: { name: "Ada Lovelace" } }),
    );
    const formula = await at("2026-02-15", () =>
      createOrder(api, productB, {}, { customer: { name: "=HYPERLINK(1)", company: "Formula Ltd" } }),
    );
    const grace = await at("2026-03-20", () =>
      createOrder(api, productA, {}, { externalOrderNumber: "EXT-3", customer: { name: "Grace Hopper" } }),
    );
    const clientOne = await clientFor(api, one);
    const clientTwo = await clientFor(api, two);
    const ofOne = await at("2026-03-21", () =>
      createOrder(clientOne, productA, {}, { category: category.id, customer: { name: "Customer of One" } }),
    );
    const ofTwo = await at("2026-03-22", () =>
      createOrder(clientTwo, productA, {}, { category: category.id, customer: { name: "Customer of Two" } }),
    );
    Object.assign(ids, {
      ada: ada.id,
      formula: formula.id,
      grace: grace.id,
      ofOne: ofOne.id,
      ofTwo: ofTwo.id,
    });
    tickets = { grace: grace.ticket, ofOne: ofOne.ticket, ofTwo: ofTwo.ticket };
    server.clock.set(new Date());
    admin = await new WebClient(server.url).signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  });
  afterAll(() => server.close());

  it("lists every order, newest first, with a New order button for the ISV admin", async () => {
    const res = await admin.get("/orders");
    expect(res.status).toBe(200);
    expect(textOf(res.html)).toContain("New order");
    expect(res.html).toContain('href="/orders/new"');
    expect(linkedOrders(res.html)).toEqual([ids.ofTwo, ids.ofOne, ids.grace, ids.formula, ids.ada]);
    const text = resultsOf(res.html);
    expect(text).toContain("Ada Lovelace");
    expect(text).toContain("EXT-3");
    expect(text).toContain("Studio Pro × 1");
    expect(text).toContain("Partners");
  });

  it("narrows the list by customer, external number, product and dates", async () => {
    const shown = async (query: string) => {
      const res = await admin.get(`/orders?${query}`);
      expect(res.status, textOf(res.html)).toBe(200);
      return linkedOrders(res.html);
    };
    expect(await shown("customer=lovelace")).toEqual([ids.ada]);
    expect(await shown("externalOrderNumber=EXT-1")).toEqual([ids.ada]);
    expect(await shown(`product=${productB}`)).toEqual([ids.formula]);
    expect(await shown("createdFrom=2026-02-01&createdTo=2026-03-20")).toEqual([ids.grace, ids.formula]);
    expect(await shown("createdFrom=2026-03-21&sort=oldest")).toEqual([ids.ofOne, ids.ofTwo]);
    const none = await admin.get("/orders?customer=nobody-at-all");
    expect(resultsOf(none.html)).toContain("No orders match these filters.");
  });

  it("pages through the list with the pager's cursor", async () => {
    const seen: string[] = [];
    let next: string | null = "/orders?limit=2";
    let pages = 0;
    while (next) {
      const res = await admin.get(next);
      expect(res.status).toBe(200);
      const page = linkedOrders(res.html);
      expect(page.length).toBeLessThanOrEqual(2);
      seen.push(...page);
      next = /<a href="([^"]+)" rel="next">/.exec(res.html)?.[1]?.replaceAll("&amp;", "&") ?? null;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([ids.ofTwo, ids.ofOne, ids.grace, ids.formula, ids.ada]);
  });

  it("exports exactly the filtered orders as CSV, formulas neutralized", async () => {
    const res = await admin.get(`/orders.csv?product=${productA}&limit=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const [header, ...rows] = parseCsv(res.html);
    expect(header!.slice(0, 4)).toEqual([
      "Order id",
      "Created (UTC)",
      "External order number",
      "Customer name",
    ]);
    expect(rows.map((r) => r[0])).toEqual([ids.ofTwo, ids.ofOne, ids.grace, ids.ada]);

    const formula = parseCsv((await admin.get("/orders.csv?customer=hyperlink")).html);
    expect(formula).toHaveLength(2);
    expect(formula[1]![0]).toBe(ids.formula);
    expect(formula[1]![3]).toBe("'=HYPERLINK(1)");
  });

  it("shows a reseller only its group's orders, on the page and in the CSV", async () => {
    const web = await new WebClient(server.url).signIn(reseller.email, reseller.password);
    const res = await web.get("/orders");
    expect(res.status).toBe(200);
    expect(linkedOrders(res.html)).toEqual([ids.ofOne]);
    expect(resultsOf(res.html)).not.toContain("Customer of Two");
    expect(textOf(res.html)).toContain("New order");
    const csv = parseCsv((await web.get("/orders.csv")).html);
    expect(csv.slice(1).map((r) => r[0])).toEqual([ids.ofOne]);
  });

  it("offers no New order button to a member without the create right", async () => {
    const web = await new WebClient(server.url).signIn(member.email, member.password);
    const res = await web.get("/orders");
    expect(res.status).toBe(200);
    expect(res.html).not.toContain('href="/orders/new"');
    expect(linkedOrders(res.html)).toEqual([ids.ofOne]);
  });

  it("answers a bad date with 400 and the message next to the field", async () => {
    const res = await admin.get("/orders?createdFrom=yesterday&customer=ada");
    expect(res.status).toBe(400);
    const error = /id="filter-createdFrom-error"[^>]*>([\s\S]*?)<\/p>/.exec(res.html)?.[1];
    expect(textOf(error ?? "")).toContain("Enter a date as YYYY-MM-DD");
    expect(res.html).toMatch(/id="filter-createdFrom"[^>]*aria-invalid="true"/);
    expect(res.html).toContain('value="ada"');
    expect(linkedOrders(res.html)).toEqual([]);

    const impossible = await admin.get("/orders?createdTo=2026-02-30");
    expect(impossible.status).toBe(400);
    expect(textOf(impossible.html)).toContain("This day does not exist in the calendar.");
  });

  it("answers a filter sent twice with 400, on the page and in the CSV", async () => {
    const twice = await admin.get(`/orders?category=${ids.ada}&category=${ids.grace}&customer=ada`);
    expect(twice.status).toBe(400);
    const error = /id="filter-category-error"[^>]*>([\s\S]*?)<\/p>/.exec(twice.html)?.[1];
    expect(textOf(error ?? "")).toContain("Send this field once");
    expect(linkedOrders(twice.html)).toEqual([]);
    expect((await admin.get("/orders?status=active&status=closed")).status).toBe(400);
    expect((await admin.get("/orders.csv?product=1&product=2")).status).toBe(400);
  });

  it("finds an order by its ticket through a posted form, never through the address", async () => {
    const page = await admin.get("/orders");
    // The ticket is no GET filter: the filters form has no ticket field, and a ticket in the
    // query is ignored rather than kept in the pager's and the CSV's links.
    const filters = page.html.slice(
      page.html.indexOf('id="order-filters"'),
      page.html.indexOf('id="order-results"'),
    );
    expect(filters).not.toContain('name="ticket"');
    const finder = page.html.slice(
      page.html.indexOf('id="order-find"'),
      page.html.indexOf('id="order-filters"'),
    );
    expect(finder).toContain('action="/orders/find-by-ticket"');
    expect(finder).toContain('method="post"');
    expect(finder).toMatch(/<label for="find-ticket">/);
    const ignored = await admin.get(`/orders?limit=2&ticket=${tickets.grace}`);
    expect(ignored.status).toBe(200);
    expect(linkedOrders(ignored.html)).toEqual([ids.ofTwo, ids.ofOne]);
    expect(ignored.html).not.toContain(tickets.grace!);
    expect(ignored.html).not.toContain("ticket=");

    // Any case, dashes optional: 303 to the order.
    const typed = tickets.grace!.toLowerCase().replaceAll("-", "");
    const found = await admin.post("/orders/find-by-ticket", { ticket: typed });
    expect(found.status).toBe(303);
    expect(found.location).toBe(`/orders/${ids.grace}`);

    // Without the page's CSRF token nothing is looked up.
    const forged = await admin.post("/orders/find-by-ticket", { ticket: tickets.grace! }, { csrf: false });
    expect(forged.status).toBe(403);

    const errorOf = (html: string) =>
      textOf(/id="find-ticket-error"[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1] ?? "").replace(/^Error: /, "");
    const malformed = await admin.post("/orders/find-by-ticket", { ticket: "not-a-ticket" });
    expect(malformed.status).toBe(400);
    expect(errorOf(malformed.html)).toContain("Enter the 25 letters and digits of the ticket");
    const empty = await admin.post("/orders/find-by-ticket", { ticket: "" });
    expect(empty.status).toBe(400);
    expect(errorOf(empty.html)).toBe("Fill in this field.");

    const unknown = await admin.post("/orders/find-by-ticket", { ticket: "00000-00000-00000-00000-00000" });
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown.html)).toBe("No order you can see has this ticket.");
    // The orders page again, with its list.
    expect(linkedOrders(unknown.html).length).toBeGreaterThan(0);

    // A reseller finds its own order, and gets the very same answer for another group's ticket.
    const web = await new WebClient(server.url).signIn(reseller.email, reseller.password);
    await web.get("/orders");
    const own = await web.post("/orders/find-by-ticket", { ticket: tickets.ofOne! });
    expect(own.status).toBe(303);
    expect(own.location).toBe(`/orders/${ids.ofOne}`);
    const foreign = await web.post("/orders/find-by-ticket", { ticket: tickets.ofTwo! });
    expect(foreign.status).toBe(404);
    expect(errorOf(foreign.html)).toBe("No order you can see has this ticket.");
    expect(foreign.html).not.toContain(ids.ofTwo!);
    expect(textOf(foreign.html)).not.toContain("Customer of Two");
  });
  it("filters by a data field value and shows the field in the list and the CSV", async () => {
    const field = { key: "region", label: "Region", type: "select", options: ["EU", "US"] };
    expect((await server.api.post("/api/v1/data-fields", field)).status).toBe(201);
    const us = await createOrder(server.api, productB, {}, { dataFields: { region: "US" } });
    await createOrder(server.api, productB, {}, { dataFields: { region: "EU" } });

    const res = await admin.get("/orders?field=region&fieldValue=US");
    expect(res.status, textOf(res.html)).toBe(200);
    expect(linkedOrders(res.html)).toEqual([us.id]);
    expect(resultsOf(res.html)).toContain("Region: US");
    const [header, ...rows] = parseCsv((await admin.get("/orders.csv?field=region&fieldValue=US")).html);
    expect(header!.at(-1)).toBe("Region");
    expect(rows.map((r) => [r[0], r.at(-1)])).toEqual([[us.id, "US"]]);

    const unknown = await admin.get("/orders?field=nothing&fieldValue=x");
    expect(unknown.status).toBe(400);
    expect(unknown.html).toMatch(/id="filter-fieldValue-error"/);
  });

  it("searches text literally: % and _ in a search match only themselves", async () => {
    const api = server.api;
    const percent = await createOrder(api, productB, {}, { customer: { name: "Cent 100% Cotton" } });
    const underscore = await createOrder(api, productB, {}, { customer: { company: "Under_Score Inc" } });
    const search = async (text: string) => {
      const res = await admin.get(`/orders?customer=${encodeURIComponent(text)}`);
      expect(res.status).toBe(200);
      return linkedOrders(res.html);
    };
    expect(await search("%")).toEqual([percent.id]);
    expect(await search("_")).toEqual([underscore.id]);
    expect(await search("0% c")).toEqual([percent.id]);
    expect(await search("r_s")).toEqual([underscore.id]);
    expect(await search("\\")).toEqual([]);
    const csv = parseCsv((await admin.get("/orders.csv?customer=%25")).html);
    expect(csv.slice(1).map((r) => r[0])).toEqual([percent.id]);

    // The same rule in the other searches: products by name, users by name or email.
    const half = await createProduct(api, { name: "Half%Price" });
    await createProduct(api, { name: "Halfprice" });
    const products = (await api.get("/api/v1/products?search=%25&limit=100")).body.data;
    expect(products.map((p: { code: number }) => p.code)).toEqual([half.code]);
    const group = await createGroup(api, "Search group");
    const snake = await createUser(api, group.id, { name: "Snake_Case" });
    await createUser(api, group.id, { name: "SnakeXCase" });
    const users = (await api.get(`/api/v1/users?search=${encodeURIComponent("e_c")}&limit=100`)).body.data;
    expect(users.map((u: { email: string }) => u.email)).toEqual([snake.email]);
  });
});
