import { randomFillSync } from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import { requestHash } from "../../packages/server/src/domain/canonical.ts";
import type { FieldIssue } from "../../packages/server/src/domain/errors.ts";
import { uuidV7 } from "../../packages/server/src/domain/ids.ts";
import {
  bindValues,
  licenseTerms,
  type ParameterDefinition,
} from "../../packages/server/src/domain/parameters.ts";
import { ROOT_GROUP_ID } from "../../packages/server/src/services/context.ts";
import type { LicenseRow } from "../../packages/server/src/store/license.store.ts";
import type { OrderRow } from "../../packages/server/src/store/order.store.ts";

/** A seeded license to activate and validate: its order's ticket and its id. */
export interface SeededLicense {
  ticket: string;
  license: string;
}

export interface SeedResult {
  licenses: number;
  seconds: number;
  /** CPU seconds the seeding took: what it costs when nothing else competes for the CPU. */
  cpuSeconds: number;
  dbMb: number;
  picked: SeededLicense[];
}

export const DAY_MS = 86_400_000;

/** Random bytes drawn from the CSPRNG in large blocks: one call per id costs more than the inserts. */
export class RandomPool {
  private buf = Buffer.alloc(1 << 20);
  private at = this.buf.length;

  take(n: number): Buffer {
    if (this.at + n > this.buf.length) {
      randomFillSync(this.buf);
      this.at = 0;
    }
    this.at += n;
    return this.buf.subarray(this.at - n, this.at);
  }
}

/** A UUID version 7 laid out exactly as the server's `newId`, from the pool's random bytes. */
export function uuid7(pool: RandomPool, ms: number, seq: number): string {
  return uuidV7(Buffer.from(pool.take(16)), ms, seq);
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A ticket as the order service stores it: 25 Crockford base32 characters, normalized (no dashes). */
export function ticket(pool: RandomPool): string {
  const bytes = pool.take(25);
  let out = "";
  for (let i = 0; i < 25; i++) out += CROCKFORD[bytes[i]! & 31];
  return out;
}

/** A prepared insert of `columns` into `table`, taking rows as the stores type them. */
export function rowInserter<T extends object>(
  db: Database.Database,
  table: string,
  columns: (keyof T & string)[],
) {
  const stmt = db.prepare(
    `insert into ${table} (${columns.map((c) => `"${c}"`).join(", ")}) values (${columns.map(() => "?").join(", ")})`,
  );
  return (row: T) => stmt.run(columns.map((c) => row[c]));
}

/** The columns of the `orders` and `licenses` rows the order service writes. */
export const ORDER_COLUMNS: (keyof OrderRow & string)[] = [
  "id",
  "ticket",
  "external_order_number",
  "customer_name",
  "customer_email",
  "customer_company",
  "customer_search",
  "category_id",
  "group_id",
  "created_by",
  "status",
  "request_hash",
  "created_at",
];
export const LICENSE_COLUMNS: (keyof LicenseRow & string)[] = [
  "id",
  "order_id",
  "product_id",
  "product_code",
  "product_name",
  "product_revision",
  "status",
  "version",
  "rules",
  "values",
  "seats",
  "active_seats",
  "expires_at",
  "maintenance_until",
  "category_id",
  "group_id",
  "first_activated_at",
  "created_at",
  "updated_at",
];

/** A product's defaults bound as on a given day: what an order without parameters gets. */
export interface BoundDefaults {
  rules: string;
  values: string;
  terms: ReturnType<typeof licenseTerms>;
}

/**
 * The product's defaults bound per creation day. Values depend on the day only (relative dates),
 * so each day is bound once and reused.
 */
export function defaultsByDay(defs: ParameterDefinition[]): (at: Date) => BoundDefaults {
  const byDay = new Map<number, BoundDefaults>();
  return (at) => {
    const day = Math.floor(at.getTime() / DAY_MS);
    let b = byDay.get(day);
    if (!b) {
      const issues: FieldIssue[] = [];
      const v = bindValues(defs, ["order", "static"], {}, at, "items.0.parameters", issues);
      if (issues.length)
        throw new Error(`the bench product's defaults do not bind: ${JSON.stringify(issues)}`);
      const rules = Object.fromEntries(
        Object.entries(v.rules).filter(([k]) => defs.find((d) => d.key === k)?.binding === "order"),
      );
      b = { rules: JSON.stringify(rules), values: JSON.stringify(v.values), terms: licenseTerms(v.values) };
      byDay.set(day, b);
    }
    return b;
  };
}

/**
 * Writes `count` orders of one license each straight into a stopped server's SQLite file, in one
 * transaction, with the rows the order service writes for `POST /api/v1/orders` with one item of
 * `productCode` and no parameters (the product's defaults; relative dates resolved against each
 * order's creation). Orders are spread over the last 300 days, so ids and dates look like a
 * database that grew over time. Audit events are not written: no scenario reads them.
 *
 * Returns `pick` licenses chosen at random, spread over the whole table, to activate later.
 */
export function seedLicenses(dataDir: string, productCode: number, count: number, pick: number): SeedResult {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const file = path.join(dataDir, "licentra.db");
  const db = new Database(file);
  try {
    // A bulk load into a stopped server's file: no journal needed, a large page cache; WAL again after.
    db.pragma("journal_mode = DELETE");
    db.pragma("synchronous = OFF");
    db.pragma("cache_size = -2097152");
    const product = db
      .prepare("select id, code, name, revision, parameters from products where code = ?")
      .get(productCode) as { id: string; code: number; name: string; revision: number; parameters: string };
    if (!product) throw new Error(`product ${productCode} does not exist in ${file}`);
    const admin = db.prepare("select id from users order by created_at limit 1").get() as { id: string };
    const defs = JSON.parse(product.parameters) as ParameterDefinition[];
    const hash = requestHash({ items: [{ product: productCode, quantity: 1 }] });

    const picks = new Set<number>();
    while (picks.size < Math.min(pick, count)) picks.add(Math.floor(Math.random() * count));
    const picked: SeededLicense[] = [];

    const insertOrder = rowInserter<OrderRow>(db, "orders", ORDER_COLUMNS);
    const insertLicense = rowInserter<LicenseRow>(db, "licenses", LICENSE_COLUMNS);
    const pool = new RandomPool();

    const bound = defaultsByDay(defs);

    const start = Date.now() - 300 * DAY_MS;
    const step = (300 * DAY_MS) / count;
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const ms = Math.floor(start + i * step);
        const at = new Date(ms);
        const iso = at.toISOString();
        const b = bound(at);
        const order: OrderRow = {
          id: uuid7(pool, ms, 0),
          ticket: ticket(pool),
          external_order_number: null,
          customer_name: null,
          customer_email: null,
          customer_company: null,
          customer_search: "",
          category_id: null,
          group_id: ROOT_GROUP_ID,
          created_by: admin.id,
          status: "active",
          request_hash: hash,
          created_at: iso,
        };
        const license: LicenseRow = {
          id: uuid7(pool, ms, 1),
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
          category_id: null,
          group_id: ROOT_GROUP_ID,
          first_activated_at: null,
          created_at: iso,
          updated_at: iso,
        };
        insertOrder(order);
        insertLicense(license);
        if (picks.has(i)) picked.push({ ticket: order.ticket, license: license.id });
      }
    })();
    db.pragma("journal_mode = WAL");
    const pages = db.pragma("page_count", { simple: true }) as number;
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    return {
      licenses: count,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      cpuSeconds: (() => {
        const c = process.cpuUsage(cpu0);
        return Math.round((c.user + c.system) / 1e5) / 10;
      })(),
      dbMb: Math.round((pages * pageSize) / 1048576),
      picked,
    };
  } finally {
    db.close();
  }
}
