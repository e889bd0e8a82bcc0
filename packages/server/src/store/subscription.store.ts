import { type Insertable, type RawBuilder, type Selectable, sql, type Updateable } from "kysely";
import { type Db, isPostgres } from "./db.ts";
import type { LicenseTable, SubscriptionTable, SubscriptionTermTable } from "./schema.ts";
import type { Scope } from "./scope.ts";

export type SubscriptionRow = Selectable<SubscriptionTable>;
export type SubscriptionTermRow = Selectable<SubscriptionTermTable>;

/** Rows per insert statement: far below either dialect's limit of bound parameters. */
const CHUNK = 500;

/** A where-clause restricting a table's `group_id` to a scope (as `inScope` does for orders). */
export function groupScope(scope: Scope, column: string): RawBuilder<boolean> {
  if (scope.kind === "all") return sql<boolean>`1 = 1`;
  if (scope.kind === "group") return sql<boolean>`${sql.ref(column)} = ${scope.groupId}`;
  return sql<boolean>`${sql.ref(column)} in (select id from groups where path like ${`${scope.path}%`})`;
}

export async function insertSubscriptions(db: Db, rows: SubscriptionRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK)
    await db
      .insertInto("subscriptions")
      .values(rows.slice(i, i + CHUNK))
      .execute();
}

export async function insertSubscriptionTerms(
  db: Db,
  rows: Insertable<SubscriptionTermTable>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK)
    await db
      .insertInto("subscription_terms")
      .values(rows.slice(i, i + CHUNK))
      .execute();
}

export function findSubscriptionById(db: Db, id: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom("subscriptions").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The subscription, locked for the rest of the transaction on PostgreSQL (SQLite has one writer). */
export function lockSubscriptionById(db: Db, id: string): Promise<SubscriptionRow | undefined> {
  const q = db.selectFrom("subscriptions").selectAll().where("id", "=", id);
  return (isPostgres(db) ? q.forUpdate() : q).executeTakeFirst();
}

export function findTermsOfSubscription(db: Db, id: string): Promise<SubscriptionTermRow[]> {
  return db
    .selectFrom("subscription_terms")
    .selectAll()
    .where("subscription_id", "=", id)
    .orderBy("term")
    .execute();
}

/**
 * Subscriptions in `status` whose `column` date is before `today`, in that date's order, locked
 * for the transaction. On PostgreSQL rows another node holds are skipped, so nodes share the work
 * and never wait for each other; SQLite serializes writers anyway.
 */
function lockPassed(
  db: Db,
  status: "active" | "cancelled",
  column: "deadline" | "end_date",
  today: string,
  limit: number,
  exclude: string[],
): Promise<SubscriptionRow[]> {
  let q = db.selectFrom("subscriptions").selectAll().where("status", "=", status).where(column, "<", today);
  if (exclude.length) q = q.where("id", "not in", exclude);
  q = q.orderBy(column).orderBy("id").limit(limit);
  return (isPostgres(db) ? q.forUpdate().skipLocked() : q).execute();
}

/** Active subscriptions whose deadline is before `today`, oldest deadline first, locked. */
export function lockDueSubscriptions(
  db: Db,
  today: string,
  limit: number,
  exclude: string[] = [],
): Promise<SubscriptionRow[]> {
  return lockPassed(db, "active", "deadline", today, limit, exclude);
}

/** Cancelled subscriptions whose end date is before `today`, locked like `lockDueSubscriptions`. */
export function lockEndingSubscriptions(
  db: Db,
  today: string,
  limit: number,
  exclude: string[] = [],
): Promise<SubscriptionRow[]> {
  return lockPassed(db, "cancelled", "end_date", today, limit, exclude);
}

/**
 * Active subscriptions whose deadline lies in `today .. until` and whose current term has not
 * been reminded yet, locked like `lockDueSubscriptions`.
 */
export function lockSubscriptionsToRemind(
  db: Db,
  today: string,
  until: string,
  limit: number,
): Promise<SubscriptionRow[]> {
  const q = db
    .selectFrom("subscriptions")
    .selectAll()
    .where("status", "=", "active")
    .where("deadline", ">=", today)
    .where("deadline", "<=", until)
    .whereRef("reminded_term", "<", "term")
    .orderBy("deadline")
    .orderBy("id")
    .limit(limit);
  return (isPostgres(db) ? q.forUpdate().skipLocked() : q).execute();
}

export async function markReminded(db: Db, ids: string[]): Promise<void> {
  if (ids.length)
    await db
      .updateTable("subscriptions")
      .set((eb) => ({ reminded_term: eb.ref("term") }))
      .where("id", "in", ids)
      .execute();
}

export async function updateSubscription(
  db: Db,
  id: string,
  changes: Updateable<SubscriptionTable>,
): Promise<void> {
  await db.updateTable("subscriptions").set(changes).where("id", "=", id).execute();
}

/** The licenses of subscriptions, locked on PostgreSQL: a renewal rewrites their values. */
export function lockLicensesOfSubscriptions(
  db: Db,
  licenseIds: string[],
): Promise<Selectable<LicenseTable>[]> {
  if (!licenseIds.length) return Promise.resolve([]);
  const q = db.selectFrom("licenses").selectAll().where("id", "in", licenseIds).orderBy("id");
  return (isPostgres(db) ? q.forUpdate() : q).execute();
}

/** A renewed license: its new values, version and the new end date of its driven parameter. */
export interface RenewedLicense {
  id: string;
  values: string;
  version: number;
  driven: "expiresAt" | "maintenanceUntil";
  endDate: string;
  updatedAt: string;
}

/** Writes renewed licenses, many per statement (one `update … from (values …)` per chunk). */
export async function updateRenewedLicenses(db: Db, rows: RenewedLicense[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const values = sql.join(
      rows
        .slice(i, i + CHUNK)
        .map(
          (r) => sql`(${r.id}, ${r.values}, ${String(r.version)}, ${r.driven}, ${r.endDate}, ${r.updatedAt})`,
        ),
    );
    await sql`
      with v (id, vals, version, driven, end_date, updated_at) as (values ${values})
      update licenses set
        ${sql.ref("values")} = v.vals,
        version = cast(v.version as integer),
        expires_at = case when v.driven = 'expiresAt' then v.end_date else licenses.expires_at end,
        maintenance_until = case when v.driven = 'maintenanceUntil' then v.end_date else licenses.maintenance_until end,
        updated_at = v.updated_at
      from v where licenses.id = v.id`.execute(db);
  }
}

/** A renewed subscription's new current term. */
export interface RenewedSubscription {
  id: string;
  term: number;
  endDate: string;
  deadline: string;
  updatedAt: string;
}

/** Moves renewed subscriptions to their new term, many per statement. */
export async function updateRenewedSubscriptions(db: Db, rows: RenewedSubscription[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const values = sql.join(
      rows
        .slice(i, i + CHUNK)
        .map((r) => sql`(${r.id}, ${String(r.term)}, ${r.endDate}, ${r.deadline}, ${r.updatedAt})`),
    );
    await sql`
      with v (id, term, end_date, deadline, updated_at) as (values ${values})
      update subscriptions set
        term = cast(v.term as integer),
        end_date = v.end_date,
        deadline = v.deadline,
        updated_at = v.updated_at
      from v where subscriptions.id = v.id`.execute(db);
  }
}

/** Who hears about a subscription: the order's customer and the user who created the order. */
export interface NoticeContactRow {
  order_id: string;
  external_order_number: string | null;
  customer_name: string | null;
  customer_email: string | null;
  customer_company: string | null;
  partner_email: string | null;
  partner_name: string | null;
}

export function findNoticeContacts(db: Db, orderIds: string[]): Promise<NoticeContactRow[]> {
  if (!orderIds.length) return Promise.resolve([]);
  return db
    .selectFrom("orders")
    .leftJoin("users", "users.id", "orders.created_by")
    .select([
      "orders.id as order_id",
      "orders.external_order_number",
      "orders.customer_name",
      "orders.customer_email",
      "orders.customer_company",
      "users.email as partner_email",
      "users.name as partner_name",
    ])
    .where("orders.id", "in", [...new Set(orderIds)])
    .execute();
}

export interface SubscriptionFilter {
  scope: Scope;
  status?: string;
  licenseId?: string;
  orderId?: string;
  productCode?: number;
  groupId?: string;
  deadlineFrom?: string;
  deadlineTo?: string;
  afterId?: string;
  limit: number;
}

export function listSubscriptions(db: Db, f: SubscriptionFilter): Promise<SubscriptionRow[]> {
  let q = db.selectFrom("subscriptions").selectAll().where(groupScope(f.scope, "subscriptions.group_id"));
  if (f.status) q = q.where("status", "=", f.status);
  if (f.licenseId) q = q.where("license_id", "=", f.licenseId);
  if (f.orderId) q = q.where("order_id", "=", f.orderId);
  if (f.productCode !== undefined) q = q.where("product_code", "=", f.productCode);
  if (f.groupId) q = q.where("group_id", "=", f.groupId);
  if (f.deadlineFrom) q = q.where("deadline", ">=", f.deadlineFrom);
  if (f.deadlineTo) q = q.where("deadline", "<=", f.deadlineTo);
  if (f.afterId) q = q.where("id", ">", f.afterId);
  return q.orderBy("id").limit(f.limit).execute();
}

/** A subscription with the names a list of subscriptions shows: group, product, order and customer. */
export interface NamedSubscriptionRow {
  id: string;
  license_id: string;
  order_id: string;
  group_id: string;
  group_name: string | null;
  product_code: number;
  product_name: string | null;
  type: string;
  status: string;
  end_date: string;
  deadline: string;
  external_order_number: string | null;
  customer_name: string | null;
  customer_company: string | null;
}

/** Subscriptions joined to their group, license and order, selecting a `NamedSubscriptionRow`. */
export function selectNamedSubscriptions(db: Db) {
  return db
    .selectFrom("subscriptions")
    .leftJoin("groups", "groups.id", "subscriptions.group_id")
    .leftJoin("licenses", "licenses.id", "subscriptions.license_id")
    .leftJoin("orders", "orders.id", "subscriptions.order_id")
    .select([
      "subscriptions.id",
      "subscriptions.license_id",
      "subscriptions.order_id",
      "subscriptions.group_id",
      "groups.name as group_name",
      "subscriptions.product_code",
      "licenses.product_name",
      "subscriptions.type",
      "subscriptions.status",
      "subscriptions.end_date",
      "subscriptions.deadline",
      "orders.external_order_number",
      "orders.customer_name",
      "orders.customer_company",
    ]);
}

/** One running subscription (active or cancelled, not yet ended) with what a billing report shows. */
export interface RunningSubscriptionRow extends NamedSubscriptionRow {
  term: number;
  customer_email: string | null;
}

export function listRunningSubscriptions(
  db: Db,
  scope: Scope,
  f: { productCode?: number; groupId?: string },
): Promise<RunningSubscriptionRow[]> {
  let q = selectNamedSubscriptions(db)
    .select(["subscriptions.term", "orders.customer_email"])
    .where("subscriptions.status", "in", ["active", "cancelled"])
    .where(groupScope(scope, "subscriptions.group_id"));
  if (f.productCode !== undefined) q = q.where("subscriptions.product_code", "=", f.productCode);
  if (f.groupId) q = q.where("subscriptions.group_id", "=", f.groupId);
  return q.orderBy("groups.path").orderBy("subscriptions.id").execute();
}
