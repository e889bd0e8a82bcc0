import type { Selectable, Updateable } from "kysely";
import type { Db } from "./db.ts";
import type { JobTable } from "./schema.ts";

export type JobRow = Selectable<JobTable>;

export function findJob(db: Db, name: string): Promise<JobRow | undefined> {
  return db.selectFrom("jobs").selectAll().where("name", "=", name).executeTakeFirst();
}

/** Creates the job's row or updates it with `changes`. */
export async function saveJob(db: Db, name: string, changes: Updateable<JobTable>): Promise<void> {
  await db
    .insertInto("jobs")
    .values({
      name,
      next_run_at: null,
      last_started_at: null,
      last_finished_at: null,
      last_node: null,
      last_result: null,
      ...changes,
    })
    .onConflict((oc) => oc.column("name").doUpdateSet(changes))
    .execute();
}
