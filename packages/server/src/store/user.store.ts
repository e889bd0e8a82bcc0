import type { Selectable } from "kysely";
import type { Db } from "./db.ts";
import type { ApiKeyTable, UserTable } from "./schema.ts";

export type UserRow = Selectable<UserTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;

export async function insertUser(db: Db, row: UserRow): Promise<void> {
  await db.insertInto("users").values(row).execute();
}

export function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("email", "=", email.toLowerCase()).executeTakeFirst();
}

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function countUsers(db: Db): Promise<number> {
  const r = await db
    .selectFrom("users")
    .select((e) => e.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertApiKey(db: Db, row: ApiKeyRow): Promise<void> {
  await db.insertInto("api_keys").values(row).execute();
}

/** The key's owner with what authentication needs, in one query. */
export function findApiKeyOwner(db: Db, keyHash: string) {
  return db
    .selectFrom("api_keys")
    .innerJoin("users", "users.id", "api_keys.user_id")
    .innerJoin("groups", "groups.id", "users.group_id")
    .select([
      "api_keys.id as keyId",
      "api_keys.revoked_at as revokedAt",
      "users.id as userId",
      "users.group_id as groupId",
      "users.is_admin as isAdmin",
      "users.enabled as enabled",
      "groups.parent_id as groupParentId",
      "groups.path as groupPath",
    ])
    .where("api_keys.key_hash", "=", keyHash)
    .executeTakeFirst();
}

export function listApiKeys(db: Db, userId: string | null): Promise<ApiKeyRow[]> {
  let q = db.selectFrom("api_keys").selectAll();
  if (userId) q = q.where("user_id", "=", userId);
  return q.orderBy("created_at").execute();
}

export function findApiKey(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function revokeApiKey(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable("api_keys").set({ revoked_at: at }).where("id", "=", id).execute();
}

/** Users by id, with whether their group is the root (an admin there is an ISV admin). */
export function findUsersByIds(db: Db, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db
    .selectFrom("users")
    .innerJoin("groups", "groups.id", "users.group_id")
    .select(["users.id", "users.email", "users.group_id", "users.is_admin", "users.enabled"])
    .select((e) => e.eb("groups.parent_id", "is", null).as("isIsvGroup"))
    .where("users.id", "in", ids)
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, isIsvGroup: Boolean(r.isIsvGroup) })));
}
