import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCategory, createOrder, createProduct } from "../support/factories.ts";
import { dialects, startTestServer, type TestServer } from "../support/harness.ts";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createGroup, createUser } from "../support/partners.ts";
import { WebClient } from "../support/web.ts";

/*
 * Every page of the console, asked with addresses no form or link of ours produces: each query
 * key sent twice, values of 10,000 characters, cursors and limits out of range, ids and product
 * codes that do not exist. A page may refuse (400), not find (404), redirect or answer; it may
 * never fail (5xx).
 */

const LONG = "x".repeat(10_000);
const UNKNOWN_ID = "01900000-0000-7000-8000-000000000000";

/** A page and the query keys it reads, with a value each key accepts on its own. */
interface Page {
  path: string;
  keys: Record<string, string>;
}

/** The hostile addresses of one page. */
function hostile(page: Page): string[] {
  const at = (query: string) => `${page.path}?${query}`;
  const keys = Object.entries(page.keys);
  const urls = [
    at("cursor=-1"),
    at("cursor=abc"),
    at("cursor=9999999999"),
    at("cursor=99999999999"),
    at("cursor=1&cursor=2"),
    at("limit=0"),
    at("limit=100000"),
    at("limit=1&limit=2"),
    at(`unknown=${LONG}`),
  ];
  for (const [key, value] of keys) {
    const v = encodeURIComponent(value);
    urls.push(at(`${key}=${v}&${key}=${v}`), at(`${key}=${v}&${key}=other`), at(`${key}=${LONG}`));
  }
  if (keys.length) {
    urls.push(
      at(keys.map(([k, v]) => `${k}=${encodeURIComponent(v)}&${k}=${encodeURIComponent(v)}`).join("&")),
    );
    urls.push(at(keys.map(([k]) => `${k}=${LONG.slice(0, 1000)}`).join("&")));
  }
  return urls;
}

/**
 * The answers that are not 2xx, 3xx, 400 or 404, as "status url" (the url cut short). A path
 * segment longer than the router reads (100 characters) is answered 414 before any page runs.
 */
async function failures(web: WebClient, urls: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const url of urls) {
    const res = await web.get(url);
    const longPath = url.split("?")[0]!.length > 1000;
    const ok =
      (res.status >= 200 && res.status < 400) ||
      res.status === 400 ||
      res.status === 404 ||
      (longPath && res.status === 414);
    if (!ok) out.push(`${res.status} ${url.length > 160 ? `${url.slice(0, 160)}…` : url}`);
  }
  return out;
}

describe.each(await dialects())("hostile addresses on %s", (dialect) => {
  let s: TestServer;
  let web: WebClient;
  let code: number;
  let categoryId: string;
  let groupId: string;
  let userId: string;
  let userEmail: string;
  let orderId: string;
  let licenseId: string;
  let apiKeyId: string;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    code = (await createProduct(s.api, { name: "Hostile Studio" })).code;
    categoryId = (await createCategory(s.api, "Hostile", { [code]: {} })).id;
    groupId = (await createGroup(s.api, "Hostile Reseller")).id;
    const user = await createUser(s.api, groupId, { name: "Hal Hostile" });
    userId = user.id;
    userEmail = user.email;
    const field = await s.api.post("/api/v1/data-fields", {
      key: "erpRef",
      label: "ERP reference",
      type: "text",
    });
    expect(field.status, JSON.stringify(field.body)).toBe(201);
    const order = await createOrder(s.api, code, {}, { category: categoryId });
    orderId = order.id;
    licenseId = order.licenses[0].id;
    web = await new WebClient(s.url).signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    const keys = await web.get("/api-keys");
    apiKeyId = /href="\/api-keys\/([^"/]+)\/revoke"/.exec(keys.html)![1]!;
  });
  afterAll(() => s.close());

  it("answers the dashboard, catalog, partners, audit, API key and account pages without a server error", async () => {
    const day = "2026-01-01";
    const pages: Page[] = [
      { path: "/", keys: {} },
      { path: "/account", keys: {} },
      { path: "/account/password", keys: {} },
      { path: "/catalog", keys: {} },
      { path: "/catalog/products", keys: { search: "Hostile", status: "active", cursor: "1" } },
      { path: "/catalog/products.csv", keys: { search: "Hostile", status: "active", cursor: "1" } },
      { path: "/catalog/products/new", keys: {} },
      { path: `/catalog/products/${code}`, keys: {} },
      { path: `/catalog/products/${code}/edit`, keys: {} },
      { path: "/catalog/categories", keys: {} },
      { path: "/catalog/categories.csv", keys: {} },
      { path: `/catalog/categories/${categoryId}`, keys: {} },
      { path: `/catalog/categories/${categoryId}/products/${code}`, keys: {} },
      { path: "/catalog/data-fields", keys: {} },
      { path: "/catalog/data-fields.csv", keys: {} },
      { path: "/catalog/data-fields/new", keys: {} },
      { path: "/catalog/data-fields/erpRef", keys: {} },
      { path: "/partners", keys: {} },
      { path: `/partners/groups/${groupId}`, keys: { cursor: userEmail } },
      { path: `/partners/groups/${groupId}.csv`, keys: { cursor: userEmail } },
      { path: `/partners/users/${userId}`, keys: {} },
      {
        path: "/audit",
        keys: {
          action: "order.created",
          entityType: "order",
          entityId: orderId,
          actor: ADMIN_EMAIL,
          from: day,
          to: day,
          cursor: "1",
        },
      },
      {
        path: "/audit.csv",
        keys: {
          action: "order.created",
          entityType: "order",
          entityId: orderId,
          actor: ADMIN_EMAIL,
          from: day,
          to: day,
          cursor: "1",
        },
      },
      { path: "/api-keys", keys: {} },
      { path: "/api-keys.csv", keys: {} },
      { path: `/api-keys/${apiKeyId}/revoke`, keys: {} },
    ];
    const missing = [
      "/catalog/products/abc",
      "/catalog/products/0",
      "/catalog/products/-1",
      "/catalog/products/99999999999",
      "/catalog/products/2147483648",
      "/catalog/products/2147483647",
      "/catalog/products/99999999999/edit",
      "/catalog/products/abc/edit",
      `/catalog/products/${LONG}`,
      `/catalog/categories/${UNKNOWN_ID}`,
      "/catalog/categories/abc",
      `/catalog/categories/${LONG}`,
      `/catalog/categories/${categoryId}/products/abc`,
      `/catalog/categories/${categoryId}/products/99999999999`,
      `/catalog/categories/${categoryId}/products/2147483647`,
      `/catalog/categories/${UNKNOWN_ID}/products/${code}`,
      "/catalog/data-fields/nothing",
      `/catalog/data-fields/${LONG}`,
      `/partners/groups/${UNKNOWN_ID}`,
      "/partners/groups/abc",
      "/partners/groups/abc.csv",
      `/partners/groups/${LONG}`,
      `/partners/users/${UNKNOWN_ID}`,
      "/partners/users/abc",
      `/api-keys/${UNKNOWN_ID}/revoke`,
      "/api-keys/abc/revoke",
    ];
    const urls = [...pages.flatMap(hostile), ...missing, ...missing.map((p) => `${p}?cursor=a&cursor=b`)];
    expect(await failures(web, urls)).toEqual([]);
  });

  it("answers the order and license pages without a server error", async () => {
    const day = "2026-01-01";
    const orderKeys = {
      customer: "Buyer",
      ticket: "AAAAA",
      externalOrderNumber: "PO-1",
      product: String(code),
      category: categoryId,
      status: "active",
      createdFrom: day,
      createdTo: day,
      field: "erpRef",
      fieldValue: "x",
      sort: "newest",
      cursor: "x",
      limit: "10",
    };
    const licenseKeys = {
      product: String(code),
      state: "active",
      category: categoryId,
      order: orderId,
      customer: "Buyer",
      createdFrom: day,
      createdTo: day,
      cursor: "x",
    };
    const pages: Page[] = [
      { path: "/orders", keys: orderKeys },
      { path: "/orders.csv", keys: orderKeys },
      { path: "/orders/new", keys: { category: categoryId } },
      { path: `/orders/${orderId}`, keys: {} },
      { path: `/orders/${orderId}/ticket`, keys: {} },
      { path: "/licenses", keys: licenseKeys },
      { path: "/licenses.csv", keys: licenseKeys },
      { path: `/licenses/${licenseId}`, keys: {} },
      { path: `/licenses/${licenseId}/revoke`, keys: {} },
      { path: `/licenses/${licenseId}/delete`, keys: {} },
    ];
    const missing = [
      `/orders/${UNKNOWN_ID}`,
      "/orders/abc",
      `/orders/${LONG}`,
      `/orders/${UNKNOWN_ID}/ticket`,
      "/orders/abc/ticket",
      `/orders/new?category=${UNKNOWN_ID}`,
      "/orders/new?category=abc",
      `/licenses/${UNKNOWN_ID}`,
      "/licenses/abc",
      `/licenses/${LONG}`,
      `/licenses/${UNKNOWN_ID}/revoke`,
      "/licenses/abc/delete",
    ];
    const urls = [
      ...pages.flatMap(hostile),
      ...missing,
      ...missing.map((p) => `${p}${p.includes("?") ? "&" : "?"}cursor=a&cursor=b`),
    ];
    expect(await failures(web, urls)).toEqual([]);
  });
});
