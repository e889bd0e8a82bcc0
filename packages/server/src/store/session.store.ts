import type { Selectable } from "kysely";
import type { Db } from "./db.ts";
import type { SessionTable } from "./schema.ts";

export type SessionRow = Selectable<SessionTable>;

export async function insertSession(db: Db, row: SessionRow): Promise<void> {
  await db.insertInto("sessions").values(row).execute();
}

/** The session with what authentication needs of its user and the user's group, in one query. */
export function findSessionWithUser(db: Db, id: string) {
  return db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .innerJoin("groups", "groups.id", "users.group_id")
    .select([
      "sessions.id as sessionId",
      "sessions.csrf_secret as csrfSecret",
      "sessions.created_at as createdAt",
      "sessions.expires_at as expiresAt",
      "users.id as userId",
      "users.group_id as groupId",
      "users.is_admin as isAdmin",
      "users.enabled as enabled",
      "groups.parent_id as groupParentId",
      "groups.path as groupPath",
    ])
    .where("sessions.id", "=", id)
    .executeTakeFirst();
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", id).execute();
}

/** Ends every session of a user, except optionally one (the caller's own). */
export async function deleteSessionsOfUser(
  db: Db,
  userId: string,
  exceptId: string | null = null,
): Promise<void> {
  let q = db.deleteFrom("sessions").where("user_id", "=", userId);
  if (exceptId !== null) q = q.where("id", "<>", exceptId);
  await q.execute();
}

/** Removes a user's sessions that expired before `at` (housekeeping at each login). */
export async function deleteExpiredSessionsOfUser(db: Db, userId: string, at: string): Promise<void> {
  await db.deleteFrom("sessions").where("user_id", "=", userId).where("expires_at", "<=", at).execute();
}
