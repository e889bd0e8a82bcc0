import type { Selectable, Updateable } from "kysely";
import { type Db, isPostgres } from "./db.ts";
import { containsPattern } from "./like.ts";
import type { LicenseTable } from "./schema.ts";
import { inScope, type Scope } from "./scope.ts";

export type LicenseRow = Selectable<LicenseTable>;

export async function insertLicenses(db: Db, rows: LicenseRow[]): Promise<void> {
  if (rows.length) await db.insertInto("licenses").values(rows).execute();
}

export function findLicenseById(db: Db, id: string): Promise<LicenseRow | undefined> {
  return db.selectFrom("licenses").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * The license, locked for the rest of the transaction on PostgreSQL (SQLite serializes writers
 * already), so read-modify-write sequences such as version increments never interleave.
 */
export function lockLicenseById(db: Db, id: string): Promise<LicenseRow | undefined> {
  const q = db.selectFrom("licenses").selectAll().where("id", "=", id);
  return (isPostgres(db) ? q.forUpdate() : q).executeTakeFirst();
}

export function findLicensesByOrder(db: Db, orderId: string): Promise<LicenseRow[]> {
  return db.selectFrom("licenses").selectAll().where("order_id", "=", orderId).orderBy("id").execute();
}

export function findLicensesByOrders(db: Db, orderIds: string[]): Promise<LicenseRow[]> {
  if (!orderIds.length) return Promise.resolve([]);
  return db.selectFrom("licenses").selectAll().where("order_id", "in", orderIds).orderBy("id").execute();
}

export async function updateLicense(db: Db, id: string, changes: Updateable<LicenseTable>): Promise<void> {
  await db.updateTable("licenses").set(changes).where("id", "=", id).execute();
}

export async function deleteLicense(db: Db, id: string): Promise<void> {
  await db.deleteFrom("licenses").where("id", "=", id).execute();
}

export async function countActiveLicensesOfOrder(db: Db, orderId: string): Promise<number> {
  const r = await db
    .selectFrom("licenses")
    .select((e) => e.fn.countAll<number>().as("n"))
    .where("order_id", "=", orderId)
    .where("status", "=", "active")
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Takes one seat if one is free: a single conditional update, atomic on both dialects (on
 * PostgreSQL it also locks the row until the transaction ends). True when a seat was taken.
 */
export async function takeSeat(db: Db, id: string, firstActivatedAt: string): Promise<boolean> {
  const r = await db
    .updateTable("licenses")
    .set((eb) => ({
      active_seats: eb("active_seats", "+", 1),
      first_activated_at: eb.fn.coalesce("first_activated_at", eb.val(firstActivatedAt)),
    }))
    .where("id", "=", id)
    .where("status", "=", "active")
    .whereRef("active_seats", "<", "seats")
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function releaseSeat(db: Db, id: string): Promise<void> {
  await db
    .updateTable("licenses")
    .set((eb) => ({ active_seats: eb("active_seats", "-", 1) }))
    .where("id", "=", id)
    .where("active_seats", ">", 0)
    .execute();
}

export interface LicenseFilter {
  scope: Scope;
  productCode?: number;
  orderId?: string;
  /** The stored status: `active` or `revoked`. */
  status?: string;
  /**
   * What the license allows today (`today`, a UTC day): `active` (not revoked, not past its
   * expiry), `expired` (not revoked, its expiry day has passed) or `revoked`.
   */
  state?: { state: "active" | "expired" | "revoked"; today: string };
  categoryId?: string;
  /** Part of the order's customer name, email or company, any case. */
  customer?: string;
  /** Created at or after this instant. */
  createdFrom?: string;
  /** Created before this instant. */
  createdTo?: string;
  afterId?: string;
  descending: boolean;
  limit: number;
}

/** A license with the customer of its order, as lists show it. */
export type LicenseListRow = LicenseRow & {
  customer_name: string | null;
  customer_email: string | null;
  customer_company: string | null;
  external_order_number: string | null;
};

export function listLicenses(db: Db, f: LicenseFilter): Promise<LicenseListRow[]> {
  let q = db
    .selectFrom("licenses")
    .innerJoin("orders", "orders.id", "licenses.order_id")
    .selectAll("licenses")
    .select([
      "orders.customer_name",
      "orders.customer_email",
      "orders.customer_company",
      "orders.external_order_number",
    ]);
  q = q.where(inScope(f.scope, "licenses.group_id"));
  if (f.productCode !== undefined) q = q.where("licenses.product_code", "=", f.productCode);
  if (f.orderId) q = q.where("licenses.order_id", "=", f.orderId);
  if (f.status) q = q.where("licenses.status", "=", f.status);
  if (f.state) {
    const { state, today } = f.state;
    if (state === "revoked") q = q.where("licenses.status", "=", "revoked");
    else if (state === "expired")
      q = q.where("licenses.status", "=", "active").where("licenses.expires_at", "<", today);
    else
      q = q
        .where("licenses.status", "=", "active")
        .where((eb) =>
          eb.or([eb("licenses.expires_at", "is", null), eb("licenses.expires_at", ">=", today)]),
        );
  }
  if (f.categoryId) q = q.where("licenses.category_id", "=", f.categoryId);
  if (f.customer) q = q.where("orders.customer_search", "like", containsPattern(f.customer.toLowerCase()));
  if (f.createdFrom) q = q.where("licenses.created_at", ">=", f.createdFrom);
  if (f.createdTo) q = q.where("licenses.created_at", "<", f.createdTo);
  if (f.afterId) q = q.where("licenses.id", f.descending ? "<" : ">", f.afterId);
  return q
    .orderBy("licenses.id", f.descending ? "desc" : "asc")
    .limit(f.limit)
    .execute();
}
