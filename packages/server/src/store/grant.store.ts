import type { Selectable } from "kysely";
import type { Db } from "./db.ts";
import type { GrantTable } from "./schema.ts";

export type GrantRow = Selectable<GrantTable>;

export async function hasGrant(db: Db, userId: string, categoryId: string, right: string): Promise<boolean> {
  const r = await db
    .selectFrom("grants")
    .select("id")
    .where("user_id", "=", userId)
    .where("category_id", "=", categoryId)
    .where("right", "=", right)
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

export async function insertGrant(db: Db, row: GrantRow): Promise<boolean> {
  const r = await db
    .insertInto("grants")
    .values(row)
    .onConflict((oc) => oc.columns(["user_id", "category_id", "right", "grantor_id"]).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export function findGrantsOfUser(db: Db, userId: string): Promise<GrantRow[]> {
  return db.selectFrom("grants").selectAll().where("user_id", "=", userId).orderBy("created_at").execute();
}

export function findGrantsOf(db: Db, categoryId: string, right: string): Promise<GrantRow[]> {
  return db
    .selectFrom("grants")
    .selectAll()
    .where("category_id", "=", categoryId)
    .where("right", "=", right)
    .execute();
}

export async function deleteGrants(db: Db, ids: string[]): Promise<void> {
  if (ids.length) await db.deleteFrom("grants").where("id", "in", ids).execute();
}

export async function deleteGrantsOfCategory(db: Db, categoryId: string): Promise<void> {
  await db.deleteFrom("grants").where("category_id", "=", categoryId).execute();
}

/** Categories on which a user holds at least one right. */
export async function findCategoryIdsOfUser(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("grants")
    .select("category_id")
    .distinct()
    .where("user_id", "=", userId)
    .execute();
  return rows.map((r) => r.category_id);
}
