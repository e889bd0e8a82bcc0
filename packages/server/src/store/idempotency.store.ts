import type { Selectable } from "kysely";
import type { Db } from "./db.ts";
import type { IdempotencyKeyTable } from "./schema.ts";

export type IdempotencyRow = Selectable<IdempotencyKeyTable>;

export function findIdempotencyKey(db: Db, scope: string, key: string): Promise<IdempotencyRow | undefined> {
  return db
    .selectFrom("idempotency_keys")
    .selectAll()
    .where("scope", "=", scope)
    .where("key", "=", key)
    .executeTakeFirst();
}

/** Claims a key; false when another request holds it already (the primary key decides). */
export async function claimIdempotencyKey(db: Db, row: IdempotencyRow): Promise<boolean> {
  const r = await db
    .insertInto("idempotency_keys")
    .values(row)
    .onConflict((oc) => oc.columns(["scope", "key"]).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function completeIdempotencyKey(
  db: Db,
  scope: string,
  key: string,
  statusCode: number,
  response: string,
): Promise<void> {
  await db
    .updateTable("idempotency_keys")
    .set({ status_code: statusCode, response })
    .where("scope", "=", scope)
    .where("key", "=", key)
    .execute();
}

export async function releaseIdempotencyKey(db: Db, scope: string, key: string): Promise<void> {
  await db.deleteFrom("idempotency_keys").where("scope", "=", scope).where("key", "=", key).execute();
}
