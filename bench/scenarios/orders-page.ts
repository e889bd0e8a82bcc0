import path from "node:path";
import Database from "better-sqlite3";
import { requestHash } from "../../packages/server/src/domain/canonical.ts";
import type { ParameterDefinition } from "../../packages/server/src/domain/parameters.ts";
import { ROOT_GROUP_ID } from "../../packages/server/src/services/context.ts";
import type { LicenseRow } from "../../packages/server/src/store/license.store.ts";
import type { OrderRow } from "../../packages/server/src/store/order.store.ts";
import { Api, BENCH_PRODUCT } from "../lib/api.ts";
import { PROFILE_DIR } from "../lib/fixture.ts";
import { measureHttp } from "../lib/http-scenario.ts";
import {
  DAY_MS,
  defaultsByDay,
  LICENSE_COLUMNS,
  ORDER_COLUMNS,
  RandomPool,
  rowInserter,
  ticket,
  uuid7,
} from "../lib/seed.ts";
import { LicentraServer } from "../lib/server.ts";
import type { BenchContext, Scenario, ScenarioResult } from "../lib/types.ts";

const TITLE = "orders page, 100,000 orders, first page as ISV admin (1 connection)";
/** The database size. */
const ORDERS = 100_000;
const ADMIN = { email: "bench@licentra.test", password: "bench-password-not-secret" };
const RESELLER = { email: "reseller-admin@bench.test", password: "bench reseller password" };
/** A customer this rare (one order in 2,000) makes the search read nearly the whole table. */
const RARE_CUSTOMER = "Quentin Quarry";
const RARE_EVERY = 2000;

const FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Niklaus", "Leslie", "Ken"];
const LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Wirth", "Lamport"];
const COMPANY = ["Analytical GmbH", "Compiler AG", "Enigma Ltd", "Semaphore SA", "Typeset Inc", ""];

/** What the seeding made: where the reseller's orders are, and how long it took. */
interface SeedInfo {
  orders: number;
  licenses: number;
  resellerOrders: number;
  rareOrders: number;
  seconds: number;
  dbMb: number;
}

/**
 * Writes `count` orders straight into a stopped server's SQLite file in one transaction, as the
 * order service writes them: 1 to 3 licenses each (of the bench product, its defaults bound to
 * the order's day), customers from a pool of names and companies, half with an external order
 * number, spread over the last 300 days. Every tenth order belongs to the reseller (half in its
 * group, half in its subgroup) and was created through the category; the rest are the vendor's.
 */
export function seedOrders(
  dataDir: string,
  count: number,
  o: { categoryId: string; resellerGroup: string; resellerBranch: string },
): SeedInfo {
  const started = performance.now();
  const db = new Database(path.join(dataDir, "licentra.db"));
  try {
    db.pragma("journal_mode = DELETE");
    db.pragma("synchronous = OFF");
    db.pragma("cache_size = -1048576");
    const product = db
      .prepare("select id, code, name, revision, parameters from products where code = ?")
      .get(BENCH_PRODUCT.code) as {
      id: string;
      code: number;
      name: string;
      revision: number;
      parameters: string;
    };
    const admin = db.prepare("select id from users order by created_at limit 1").get() as { id: string };
    const defs = JSON.parse(product.parameters) as ParameterDefinition[];
    const insertOrder = rowInserter<OrderRow>(db, "orders", ORDER_COLUMNS);
    const insertLicense = rowInserter<LicenseRow>(db, "licenses", LICENSE_COLUMNS);
    const bound = defaultsByDay(defs);
    const pool = new RandomPool();

    const start = Date.now() - 300 * DAY_MS;
    const step = (300 * DAY_MS) / count;
    let licenses = 0;
    let resellerOrders = 0;
    let rareOrders = 0;
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const ms = Math.floor(start + i * step);
        const at = new Date(ms);
        const iso = at.toISOString();
        const b = bound(at);
        const ofReseller = i % 10 === 3;
        const rare = i % RARE_EVERY === 7;
        const name = rare ? RARE_CUSTOMER : `${FIRST[i % FIRST.length]} ${LAST[(i >> 3) % LAST.length]}`;
        const company = COMPANY[i % COMPANY.length] || null;
        const email = `${name.toLowerCase().replace(" ", ".")}@example.test`;
        const quantity = (i % 3) + 1;
        const groupId = ofReseller ? (i % 20 === 3 ? o.resellerGroup : o.resellerBranch) : ROOT_GROUP_ID;
        const order: OrderRow = {
          id: uuid7(pool, ms, 0),
          ticket: ticket(pool),
          external_order_number: i % 2 === 0 ? `PO-${String(i).padStart(7, "0")}` : null,
          customer_name: name,
          customer_email: email,
          customer_company: company,
          customer_search: [name, email, company].filter(Boolean).join(" ").toLowerCase(),
          category_id: ofReseller ? o.categoryId : null,
          group_id: groupId,
          created_by: admin.id,
          status: "active",
          request_hash: requestHash({ items: [{ product: BENCH_PRODUCT.code, quantity }], n: i }),
          created_at: iso,
        };
        insertOrder(order);
        for (let l = 0; l < quantity; l++) {
          const license: LicenseRow = {
            id: uuid7(pool, ms, l + 1),
            order_id: order.id,
            product_id: product.id,
            product_code: Number(product.code),
            product_name: product.name,
            product_revision: product.revision,
            status: "active",
            version: 1,
            rules: b.rules,
            values: b.values,
            seats: b.terms.seats,
            active_seats: 0,
            expires_at: b.terms.expiresAt,
            maintenance_until: b.terms.maintenanceUntil,
            category_id: order.category_id,
            group_id: groupId,
            first_activated_at: null,
            created_at: iso,
            updated_at: iso,
          };
          insertLicense(license);
          licenses++;
        }
        if (ofReseller) resellerOrders++;
        if (rare) rareOrders++;
      }
    })();
    db.exec("analyze");
    db.pragma("journal_mode = WAL");
    const pages = db.pragma("page_count", { simple: true }) as number;
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    return {
      orders: count,
      licenses,
      resellerOrders,
      rareOrders,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      dbMb: Math.round((pages * pageSize) / 1048576),
    };
  } finally {
    db.close();
  }
}

/** Signs in through the REST API; the session cookie opens the web pages as well. */
async function signIn(url: string, who: { email: string; password: string }): Promise<string> {
  const res = await fetch(`${url}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(who),
  });
  if (res.status !== 200)
    throw new Error(`signing in as ${who.email} answered ${res.status}: ${await res.text()}`);
  return res.headers.get("set-cookie")?.split(";")[0] ?? "";
}

/** One page, measured with one connection: each request waits for the previous one, as a person does. */
async function measurePage(
  ctx: BenchContext,
  server: LicentraServer,
  name: string,
  title: string,
  pagePath: string,
  cookie: string,
): Promise<ScenarioResult> {
  const check = await fetch(`${server.url}${pagePath}`, { headers: { cookie } });
  const html = await check.text();
  if (check.status !== 200)
    throw new Error(`GET ${pagePath} answered ${check.status}: ${html.slice(0, 500)}`);
  const rows = (html.match(/href="\/orders\/[0-9a-f-]{36}"/g) ?? []).length;
  ctx.log(`${name}: GET ${pagePath} shows ${rows} orders (${Math.round(html.length / 1024)} KiB)`);
  const one = { ...ctx, options: { ...ctx.options, connections: 1 } };
  const result = await measureHttp(one, {
    name,
    title,
    server: server.server,
    request: { method: "GET", path: pagePath, headers: { cookie } },
    details: { path: pagePath, ordersShown: rows, htmlKiB: Math.round(html.length / 1024) },
  });
  const h = result.http!;
  ctx.log(
    `${name}: p50 ${h.latency.p50} ms, p99 ${h.latency.p99} ms, ${result.throughput} pages/s, server CPU ${Math.round(h.serverCpuUsPerRequest / 100) / 10} ms per page`,
  );
  return result;
}

/** The page variants measured on the large database: what a person waits for. */
export interface PageVariant {
  name: string;
  path: string;
  p50: number;
  p99: number;
  mean: number;
  perSecond: number;
  /** Server CPU per page, ms: what the page costs when nothing else competes for the CPUs. */
  serverCpuMs: number;
  /** Cores other processes used during the measurement. */
  otherCores: number;
  ordersShown: number;
}

function variant(r: ScenarioResult): PageVariant {
  const h = r.http!;
  return {
    name: r.name,
    path: String(r.details?.path),
    p50: h.latency.p50,
    p99: h.latency.p99,
    mean: h.latency.mean,
    perSecond: r.throughput,
    serverCpuMs: Math.round(h.serverCpuUsPerRequest / 100) / 10,
    otherCores: h.cpu.other,
    ordersShown: Number(r.details?.ordersShown),
  };
}

/**
 * The bound: "an orders page with 100,000 orders in the database renders in under
 * 100 ms on SQLite". The same server first answers the page on an empty database (the
 * baseline); then 100,000 orders (about 200,000 licenses) are written into its file and the page
 * is measured again over HTTP, one request at a time, for: the ISV admin's first page, the first
 * page of a reseller admin whose subtree holds a tenth of the orders, a search for a rare
 * customer (the worst case of a substring search: almost every row is read), and a week of
 * orders by date.
 */
export const ordersPageScenario: Scenario = {
  name: "orders-page",
  title: TITLE,
  async run(ctx) {
    const dataDir = LicentraServer.newDataDir();
    const first = await LicentraServer.start(dataDir, {
      profileDir: ctx.options.profile ? PROFILE_DIR : null,
    });
    let server: LicentraServer | null = first;
    try {
      if (!first.apiKey)
        throw new Error(`the server printed no API key on its first start:\n${first.server.output}`);
      const api = new Api(first.url, first.apiKey);
      await api.post("/api/v1/products", BENCH_PRODUCT);
      const category = await api.post<{ id: string }>("/api/v1/categories", { name: "Bench partners" });
      const put = await fetch(
        `${first.url}/api/v1/categories/${category.id}/products/${BENCH_PRODUCT.code}`,
        {
          method: "PUT",
          headers: { "content-type": "application/json", authorization: `Bearer ${first.apiKey}` },
          body: JSON.stringify({ parameters: {} }),
        },
      );
      if (put.status !== 200)
        throw new Error(`configuring the category answered ${put.status}: ${await put.text()}`);
      const group = await api.post<{ id: string }>("/api/v1/groups", {
        name: "Bench reseller",
        parentId: ROOT_GROUP_ID,
      });
      const branch = await api.post<{ id: string }>("/api/v1/groups", {
        name: "Bench branch",
        parentId: group.id,
      });
      const user = await api.post<{ id: string }>("/api/v1/users", {
        ...RESELLER,
        name: "Reseller admin",
        groupId: group.id,
        isAdmin: true,
      });
      await api.post(`/api/v1/users/${user.id}/grants`, { categoryId: category.id, rights: ["create"] });

      const empty = await measurePage(
        ctx,
        first,
        "orders-page-empty",
        "orders page, empty database",
        "/orders",
        await signIn(first.url, ADMIN),
      );
      await first.stop();
      server = null;

      ctx.log(`seeding ${ORDERS.toLocaleString("en")} orders`);
      const seed = seedOrders(dataDir, ORDERS, {
        categoryId: category.id,
        resellerGroup: group.id,
        resellerBranch: branch.id,
      });
      ctx.log(
        `seeded ${seed.orders.toLocaleString("en")} orders, ${seed.licenses.toLocaleString("en")} licenses in ${seed.seconds} s (database ${seed.dbMb} MB)`,
      );
      server = await LicentraServer.start(dataDir, { profileDir: ctx.options.profile ? PROFILE_DIR : null });
      const admin = await signIn(server.url, ADMIN);
      const reseller = await signIn(server.url, RESELLER);
      const mid = new Date(Date.now() - 150 * DAY_MS);
      const from = mid.toISOString().slice(0, 10);
      const to = new Date(mid.getTime() + 6 * DAY_MS).toISOString().slice(0, 10);

      const main = await measurePage(ctx, server, "orders-page", TITLE, "/orders", admin);
      const variants = [
        main,
        await measurePage(
          ctx,
          server,
          "orders-page-reseller",
          "orders page, reseller admin (a tenth of the orders)",
          "/orders",
          reseller,
        ),
        await measurePage(
          ctx,
          server,
          "orders-page-customer",
          "orders page, search for a rare customer",
          `/orders?customer=${encodeURIComponent(RARE_CUSTOMER.split(" ")[1]!.toLowerCase())}`,
          admin,
        ),
        await measurePage(
          ctx,
          server,
          "orders-page-dates",
          "orders page, one week by date",
          `/orders?createdFrom=${from}&createdTo=${to}`,
          admin,
        ),
      ].map(variant);
      const baseline = variant(empty);
      const worstP99 = Math.max(...variants.map((v) => v.p99));
      return {
        ...main,
        details: {
          ...main.details,
          seed,
          baselineEmpty: baseline,
          variants,
          worstP99,
          p50RatioToEmpty:
            baseline.p50 > 0 ? Math.round((variants[0]!.p50 / baseline.p50) * 100) / 100 : null,
          meanRatioToEmpty:
            baseline.mean > 0 ? Math.round((variants[0]!.mean / baseline.mean) * 100) / 100 : null,
        },
      };
    } finally {
      if (server) await server.stop();
      await first.destroy();
    }
  },
};
