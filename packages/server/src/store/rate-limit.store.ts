import { sql } from "kysely";
import type { Db } from "./db.ts";

/**
 * Counts one request in a fixed window, atomically on both dialects: a new or expired window
 * starts at 1, a live one increments. Returns the count and when the window started.
 */
export async function countRequest(
  db: Db,
  key: string,
  now: number,
  windowMs: number,
): Promise<{ count: number; windowStart: number }> {
  const expired = sql<boolean>`rate_limits.window_start + ${windowMs} <= ${now}`;
  const r = await db
    .insertInto("rate_limits")
    .values({ key, window_start: now, count: 1 })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({
        count: sql<number>`case when ${expired} then 1 else rate_limits.count + 1 end`,
        window_start: sql<number>`case when ${expired} then ${now} else rate_limits.window_start end`,
      }),
    )
    .returning(["count", "window_start"])
    .executeTakeFirstOrThrow();
  return { count: Number(r.count), windowStart: Number(r.window_start) };
}

export async function readRequests(
  db: Db,
  key: string,
): Promise<{ count: number; windowStart: number } | undefined> {
  const r = await db
    .selectFrom("rate_limits")
    .select(["count", "window_start"])
    .where("key", "=", key)
    .executeTakeFirst();
  return r ? { count: Number(r.count), windowStart: Number(r.window_start) } : undefined;
}

/** Forgets windows that ended long ago (housekeeping). */
export async function deleteOldWindows(db: Db, before: number): Promise<void> {
  await db.deleteFrom("rate_limits").where("window_start", "<", before).execute();
}
