import type { Selectable } from "kysely";
import type { Db } from "./db.ts";
import { containsPattern } from "./like.ts";
import type { OrderTable } from "./schema.ts";
import { inScope, type Scope } from "./scope.ts";

export type OrderRow = Selectable<OrderTable>;

export async function insertOrder(db: Db, row: OrderRow): Promise<void> {
  await db.insertInto("orders").values(row).execute();
}

export function findOrderById(db: Db, id: string): Promise<OrderRow | undefined> {
  return db.selectFrom("orders").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findOrderByTicket(db: Db, ticket: string): Promise<OrderRow | undefined> {
  return db.selectFrom("orders").selectAll().where("ticket", "=", ticket).executeTakeFirst();
}

export function findOrderByExternalNumber(
  db: Db,
  externalOrderNumber: string,
): Promise<OrderRow | undefined> {
  return db
    .selectFrom("orders")
    .selectAll()
    .where("external_order_number", "=", externalOrderNumber)
    .executeTakeFirst();
}

export async function setOrderStatus(db: Db, id: string, status: string): Promise<void> {
  await db.updateTable("orders").set({ status }).where("id", "=", id).execute();
}

export interface OrderFilter {
  scope: Scope;
  productCode?: number;
  categoryId?: string;
  /** Orders having each of these data field values (JSON-encoded as stored). */
  dataFields?: { fieldId: string; value: string }[];
  customer?: string;
  createdFrom?: string;
  createdTo?: string;
  status?: string;
  externalOrderNumber?: string;
  ticket?: string;
  /** Keyset cursor: the id of the last order of the previous page. */
  afterId?: string;
  descending: boolean;
  limit: number;
}

export function listOrders(db: Db, f: OrderFilter): Promise<OrderRow[]> {
  let q = db.selectFrom("orders").selectAll();
  q = q.where(inScope(f.scope, "orders.group_id"));
  if (f.productCode !== undefined) {
    const code = f.productCode;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("licenses")
          .select("licenses.id")
          .whereRef("licenses.order_id", "=", "orders.id")
          .where("licenses.product_code", "=", code),
      ),
    );
  }
  if (f.categoryId) q = q.where("category_id", "=", f.categoryId);
  for (const df of f.dataFields ?? [])
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("order_field_values")
          .select("order_field_values.order_id")
          .whereRef("order_field_values.order_id", "=", "orders.id")
          .where("order_field_values.field_id", "=", df.fieldId)
          .where("order_field_values.value", "=", df.value),
      ),
    );
  if (f.customer) q = q.where("customer_search", "like", containsPattern(f.customer.toLowerCase()));
  if (f.createdFrom) q = q.where("created_at", ">=", f.createdFrom);
  if (f.createdTo) q = q.where("created_at", "<", f.createdTo);
  if (f.status) q = q.where("status", "=", f.status);
  if (f.externalOrderNumber) q = q.where("external_order_number", "=", f.externalOrderNumber);
  if (f.ticket) q = q.where("ticket", "=", f.ticket);
  if (f.afterId) q = q.where("id", f.descending ? "<" : ">", f.afterId);
  return q
    .orderBy("id", f.descending ? "desc" : "asc")
    .limit(f.limit)
    .execute();
}
