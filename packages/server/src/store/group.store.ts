import type { Selectable } from "kysely";
import { type Db, isPostgres } from "./db.ts";
import type { GroupTable } from "./schema.ts";
import type { Scope } from "./scope.ts";

export type GroupRow = Selectable<GroupTable>;

export function findGroupById(db: Db, id: string): Promise<GroupRow | undefined> {
  return db.selectFrom("groups").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertGroup(db: Db, row: GroupRow): Promise<void> {
  await db.insertInto("groups").values(row).execute();
}

export function findRootGroup(db: Db): Promise<GroupRow | undefined> {
  return db.selectFrom("groups").selectAll().where("parent_id", "is", null).executeTakeFirst();
}

/**
 * Serializes changes to the tree's shape (creating, moving, deleting groups; placing users) for
 * the rest of the transaction: the root group's row is locked on PostgreSQL (SQLite serializes
 * writers already). `no key update` leaves foreign-key checks of other writers unblocked.
 */
export async function lockGroupTree(db: Db): Promise<void> {
  const q = db.selectFrom("groups").select("id").where("parent_id", "is", null);
  await (isPostgres(db) ? q.forNoKeyUpdate() : q).execute();
}

/**
 * Groups within a scope, ordered by path (parents before children); optionally one page of them
 * after the path `afterPath`.
 */
export function listGroups(
  db: Db,
  scope: Scope,
  page: { afterPath?: string; limit?: number } = {},
): Promise<GroupRow[]> {
  let q = db.selectFrom("groups").selectAll();
  if (scope.kind === "group") q = q.where("id", "=", scope.groupId);
  if (scope.kind === "subtree") q = q.where("path", "like", `${scope.path}%`);
  if (page.afterPath !== undefined) q = q.where("path", ">", page.afterPath);
  if (page.limit !== undefined) q = q.limit(page.limit);
  return q.orderBy("path").execute();
}

export async function renameGroup(db: Db, id: string, name: string): Promise<void> {
  await db.updateTable("groups").set({ name }).where("id", "=", id).execute();
}

/** Moves a subtree: rewrites the path prefix of the group and all its descendants in one statement. */
export async function moveSubtree(
  db: Db,
  id: string,
  newParentId: string,
  oldPath: string,
  newPath: string,
): Promise<void> {
  await db.updateTable("groups").set({ parent_id: newParentId }).where("id", "=", id).execute();
  const rows = await db
    .selectFrom("groups")
    .select(["id", "path"])
    .where("path", "like", `${oldPath}%`)
    .execute();
  for (const r of rows)
    await db
      .updateTable("groups")
      .set({ path: newPath + r.path.slice(oldPath.length) })
      .where("id", "=", r.id)
      .execute();
}

export async function deleteGroup(db: Db, id: string): Promise<void> {
  await db.deleteFrom("groups").where("id", "=", id).execute();
}

/** What keeps a group from being deleted: subgroups, users, orders. */
export async function groupContents(
  db: Db,
  id: string,
): Promise<{ subgroups: number; users: number; orders: number }> {
  const n = (r: { n: number | string }) => Number(r.n);
  const subgroups = await db
    .selectFrom("groups")
    .select((e) => e.fn.countAll<number>().as("n"))
    .where("parent_id", "=", id)
    .executeTakeFirstOrThrow();
  const users = await db
    .selectFrom("users")
    .select((e) => e.fn.countAll<number>().as("n"))
    .where("group_id", "=", id)
    .executeTakeFirstOrThrow();
  const orders = await db
    .selectFrom("orders")
    .select((e) => e.fn.countAll<number>().as("n"))
    .where("group_id", "=", id)
    .executeTakeFirstOrThrow();
  return { subgroups: n(subgroups), users: n(users), orders: n(orders) };
}

/** A group with the number of users it holds directly (not those of its subgroups). */
export type GroupWithUserCount = GroupRow & { user_count: number };

/** Groups within a scope with their user counts, ordered by path (parents before children). */
export async function listGroupTree(db: Db, scope: Scope): Promise<GroupWithUserCount[]> {
  let q = db
    .selectFrom("groups")
    .leftJoin("users", "users.group_id", "groups.id")
    .select(["groups.id", "groups.parent_id", "groups.name", "groups.path", "groups.created_at"])
    .select((e) => e.fn.count<number | string>("users.id").as("user_count"))
    .groupBy(["groups.id", "groups.parent_id", "groups.name", "groups.path", "groups.created_at"]);
  if (scope.kind === "group") q = q.where("groups.id", "=", scope.groupId);
  if (scope.kind === "subtree") q = q.where("groups.path", "like", `${scope.path}%`);
  const rows = await q.orderBy("groups.path").execute();
  return rows.map((r) => ({ ...r, user_count: Number(r.user_count) }));
}
