import type { Selectable } from "kysely";
import type { Db } from "./db.ts";
import type { SigningKeyTable } from "./schema.ts";

export type SigningKeyRow = Selectable<SigningKeyTable>;

export function listKeys(db: Db): Promise<SigningKeyRow[]> {
  return db.selectFrom("signing_keys").selectAll().orderBy("created_at").execute();
}

export function findKey(db: Db, kid: string): Promise<SigningKeyRow | undefined> {
  return db.selectFrom("signing_keys").selectAll().where("kid", "=", kid).executeTakeFirst();
}

export async function insertKey(db: Db, row: SigningKeyRow): Promise<void> {
  await db.insertInto("signing_keys").values(row).execute();
}

export async function setKeyStatus(
  db: Db,
  kid: string,
  status: string,
  retiredAt: string | null = null,
): Promise<void> {
  await db
    .updateTable("signing_keys")
    .set({ status, retired_at: retiredAt })
    .where("kid", "=", kid)
    .execute();
}

export async function demoteSigningKeys(db: Db): Promise<void> {
  await db.updateTable("signing_keys").set({ status: "verifying" }).where("status", "=", "signing").execute();
}
