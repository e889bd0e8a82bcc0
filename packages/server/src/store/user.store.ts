import type { Selectable, Updateable } from "kysely";
import { type Db, isPostgres } from "./db.ts";
import { containsPattern } from "./like.ts";
import type { ApiKeyTable, UserTable } from "./schema.ts";
import { inScope, type Scope } from "./scope.ts";

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

export async function updateUser(db: Db, id: string, changes: Updateable<UserTable>): Promise<void> {
  await db.updateTable("users").set(changes).where("id", "=", id).execute();
}

/** Users of the groups within a scope, by email; one page after `afterEmail`. */
export function listUsers(
  db: Db,
  scope: Scope,
  q: {
    groupId?: string;
    search?: string;
    isAdmin?: boolean;
    enabled?: boolean;
    afterEmail?: string;
    limit: number;
  },
): Promise<UserRow[]> {
  let query = db.selectFrom("users").selectAll().where(inScope(scope, "users.group_id"));
  if (q.groupId !== undefined) query = query.where("group_id", "=", q.groupId);
  if (q.isAdmin !== undefined) query = query.where("is_admin", "=", q.isAdmin ? 1 : 0);
  if (q.enabled !== undefined) query = query.where("enabled", "=", q.enabled ? 1 : 0);
  if (q.search) {
    const like = containsPattern(q.search.toLowerCase());
    query = query.where((e) =>
      e.or([e("email", "like", like), e(e.fn<string>("lower", ["name"]), "like", like)]),
    );
  }
  if (q.afterEmail !== undefined) query = query.where("email", ">", q.afterEmail);
  return query.orderBy("email").limit(q.limit).execute();
}

/** Enabled ISV admins (admins of the root group), leaving one user out of the count. */
export async function countEnabledIsvAdmins(db: Db, exceptUserId: string): Promise<number> {
  const r = await db
    .selectFrom("users")
    .innerJoin("groups", "groups.id", "users.group_id")
    .select((e) => e.fn.countAll<number>().as("n"))
    .where("groups.parent_id", "is", null)
    .where("users.is_admin", "=", 1)
    .where("users.enabled", "=", 1)
    .where("users.id", "<>", exceptUserId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * The user, locked for the rest of the transaction on PostgreSQL (SQLite serializes writers
 * already), so concurrent login attempts count their failures one after the other.
 */
export function lockUserById(db: Db, id: string): Promise<UserRow | undefined> {
  const q = db.selectFrom("users").selectAll().where("id", "=", id);
  return (isPostgres(db) ? q.forNoKeyUpdate() : q).executeTakeFirst();
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

/** A user's own keys, plus, with a scope, the keys of every user whose group lies in it. */
export function listApiKeys(db: Db, userId: string, scope: Scope | null): Promise<ApiKeyRow[]> {
  return db
    .selectFrom("api_keys")
    .innerJoin("users", "users.id", "api_keys.user_id")
    .selectAll("api_keys")
    .where((eb) =>
      scope
        ? eb.or([eb("api_keys.user_id", "=", userId), inScope(scope, "users.group_id")])
        : eb("api_keys.user_id", "=", userId),
    )
    .orderBy("api_keys.created_at")
    .execute();
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
    .select([
      "users.id",
      "users.email",
      "users.group_id",
      "users.is_admin",
      "users.enabled",
      "groups.path as groupPath",
    ])
    .select((e) => e.eb("groups.parent_id", "is", null).as("isIsvGroup"))
    .where("users.id", "in", ids)
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, isIsvGroup: Boolean(r.isIsvGroup) })));
}

export async function touchApiKey(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable("api_keys").set({ last_used_at: at }).where("id", "=", id).execute();
}
