import { sql } from "kysely";
import type { Db } from "./db.ts";
import { inScope, type Scope } from "./scope.ts";
import { groupScope, type NamedSubscriptionRow, selectNamedSubscriptions } from "./subscription.store.ts";

/** Licenses created in one month (`YYYY-MM`) of one product. */
export interface LicensesByProductRow {
  month: string;
  product_code: number;
  product_name: string | null;
  n: number;
}

/** Licenses created in one month (`YYYY-MM`) by the orders of one group. */
export interface LicensesByGroupRow {
  month: string;
  group_id: string;
  group_name: string | null;
  n: number;
}

/** `created_at` is an ISO timestamp in text on both dialects: its first 7 characters are the month. */
const month = sql<string>`substr(${sql.ref("licenses.created_at")}, 1, 7)`;

/**
 * Licenses created from `fromInstant` (inclusive) to `toInstant` (exclusive) within `scope`,
 * counted per month and product. The product's current name comes from the catalog.
 */
export function countLicensesByMonthAndProduct(
  db: Db,
  scope: Scope,
  fromInstant: string,
  toInstant: string,
): Promise<LicensesByProductRow[]> {
  return db
    .selectFrom("licenses")
    .leftJoin("products", "products.id", "licenses.product_id")
    .select((eb) => [
      month.as("month"),
      "licenses.product_code",
      "products.name as product_name",
      eb.fn.countAll<number>().as("n"),
    ])
    .where(inScope(scope, "licenses.group_id"))
    .where("licenses.created_at", ">=", fromInstant)
    .where("licenses.created_at", "<", toInstant)
    .groupBy(["month", "licenses.product_code", "products.name"])
    .orderBy("licenses.product_code")
    .orderBy("month")
    .execute();
}

/** As `countLicensesByMonthAndProduct`, per month and the group whose order created the license. */
export function countLicensesByMonthAndGroup(
  db: Db,
  scope: Scope,
  fromInstant: string,
  toInstant: string,
): Promise<LicensesByGroupRow[]> {
  return db
    .selectFrom("licenses")
    .leftJoin("groups", "groups.id", "licenses.group_id")
    .select((eb) => [
      month.as("month"),
      "licenses.group_id",
      "groups.name as group_name",
      eb.fn.countAll<number>().as("n"),
    ])
    .where(inScope(scope, "licenses.group_id"))
    .where("licenses.created_at", ">=", fromInstant)
    .where("licenses.created_at", "<", toInstant)
    .groupBy(["month", "licenses.group_id", "groups.name", "groups.path"])
    .orderBy("groups.path")
    .orderBy("month")
    .execute();
}

/** A running subscription whose next renewal or end falls in a window, with what a list shows. */
export interface UpcomingSubscriptionRow extends NamedSubscriptionRow {
  /** The deadline for active subscriptions (they renew then), the end date for cancelled ones. */
  due: string;
}

/**
 * Subscriptions within `scope` that renew (active: the cancellation deadline) or end (cancelled:
 * the end date) on a day from `fromDay` to `toDay` (`YYYY-MM-DD`, inclusive), soonest first.
 */
export function listUpcomingSubscriptions(
  db: Db,
  scope: Scope,
  fromDay: string,
  toDay: string,
  limit: number,
): Promise<UpcomingSubscriptionRow[]> {
  const due = sql<string>`case when ${sql.ref("subscriptions.status")} = 'active' then ${sql.ref(
    "subscriptions.deadline",
  )} else ${sql.ref("subscriptions.end_date")} end`;
  return selectNamedSubscriptions(db)
    .select(due.as("due"))
    .where(groupScope(scope, "subscriptions.group_id"))
    .where((eb) =>
      eb.or([
        eb.and([
          eb("subscriptions.status", "=", "active"),
          eb("subscriptions.deadline", ">=", fromDay),
          eb("subscriptions.deadline", "<=", toDay),
        ]),
        eb.and([
          eb("subscriptions.status", "=", "cancelled"),
          eb("subscriptions.end_date", ">=", fromDay),
          eb("subscriptions.end_date", "<=", toDay),
        ]),
      ]),
    )
    .orderBy(due)
    .orderBy("subscriptions.id")
    .limit(limit)
    .execute();
}
