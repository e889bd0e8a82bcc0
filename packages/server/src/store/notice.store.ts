import { type Insertable, type Selectable, sql } from "kysely";
import { type Db, isPostgres } from "./db.ts";
import type { NoticeTable } from "./schema.ts";

export type NoticeRow = Selectable<NoticeTable>;

const CHUNK = 500;

/** Queues notices; a key that exists already is left alone, so no notice is queued twice. */
export async function insertNotices(db: Db, rows: Insertable<NoticeTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK)
    await db
      .insertInto("notices")
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) => oc.column("key").doNothing())
      .execute();
}

/**
 * Claims up to `limit` notices due at `now` (pending, or claimed by a node that did not finish
 * before `now`) until `claimUntil`, in one statement; on PostgreSQL rows another node is claiming
 * are skipped. Returns the claimed notices.
 */
export function claimNotices(db: Db, now: string, claimUntil: string, limit: number): Promise<NoticeRow[]> {
  const due = db
    .selectFrom("notices")
    .select("key")
    .where("status", "in", ["pending", "sending"])
    .where("next_attempt_at", "<=", now)
    .orderBy("created_at")
    .orderBy("key")
    .limit(limit);
  return db
    .updateTable("notices")
    .set({ status: "sending", next_attempt_at: claimUntil })
    .where("key", "in", isPostgres(db) ? due.forUpdate().skipLocked() : due)
    .where("status", "in", ["pending", "sending"])
    .returningAll()
    .execute();
}

export async function markNoticeDone(
  db: Db,
  key: string,
  status: "sent" | "logged",
  at: string,
): Promise<void> {
  await db.updateTable("notices").set({ status, sent_at: at }).where("key", "=", key).execute();
}

export async function markNoticeFailed(
  db: Db,
  key: string,
  status: "pending" | "failed",
  nextAttemptAt: string,
  error: string,
): Promise<void> {
  await db
    .updateTable("notices")
    .set((eb) => ({
      status,
      next_attempt_at: nextAttemptAt,
      last_error: error,
      attempts: eb("attempts", "+", sql<number>`1`),
    }))
    .where("key", "=", key)
    .execute();
}
