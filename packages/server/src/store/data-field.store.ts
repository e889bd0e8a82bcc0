import type { Selectable } from "kysely";
import type { Db } from "./db.ts";
import type { DataFieldTable, OrderFieldValueTable } from "./schema.ts";

export type DataFieldRow = Selectable<DataFieldTable>;
export type OrderFieldValueRow = Selectable<OrderFieldValueTable>;

export function listDataFields(db: Db): Promise<DataFieldRow[]> {
  return db.selectFrom("data_fields").selectAll().orderBy("position").orderBy("key").execute();
}

export function findDataFieldByKey(db: Db, key: string): Promise<DataFieldRow | undefined> {
  return db.selectFrom("data_fields").selectAll().where("key", "=", key).executeTakeFirst();
}

export async function insertDataField(db: Db, row: DataFieldRow): Promise<void> {
  await db.insertInto("data_fields").values(row).execute();
}

export async function updateDataField(db: Db, id: string, row: Partial<DataFieldRow>): Promise<void> {
  await db.updateTable("data_fields").set(row).where("id", "=", id).execute();
}

export async function deleteDataField(db: Db, id: string): Promise<void> {
  await db.deleteFrom("data_fields").where("id", "=", id).execute();
}

export async function countValuesOfField(db: Db, fieldId: string): Promise<number> {
  const r = await db
    .selectFrom("order_field_values")
    .select((e) => e.fn.countAll<number>().as("n"))
    .where("field_id", "=", fieldId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertOrderFieldValues(db: Db, rows: OrderFieldValueRow[]): Promise<void> {
  if (rows.length) await db.insertInto("order_field_values").values(rows).execute();
}

export function findOrderFieldValues(db: Db, orderIds: string[]): Promise<OrderFieldValueRow[]> {
  if (!orderIds.length) return Promise.resolve([]);
  return db.selectFrom("order_field_values").selectAll().where("order_id", "in", orderIds).execute();
}

/** The order holding a unique field's value, if any. */
export async function findOrderIdByUniqueValue(
  db: Db,
  fieldId: string,
  uniqueValue: string,
): Promise<string | undefined> {
  const r = await db
    .selectFrom("order_field_values")
    .select("order_id")
    .where("field_id", "=", fieldId)
    .where("unique_value", "=", uniqueValue)
    .executeTakeFirst();
  return r?.order_id;
}
