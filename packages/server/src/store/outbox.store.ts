import type { Insertable, Selectable } from "kysely";
import type { Db } from "./db.ts";
import type { OutboxEventTable } from "./schema.ts";
import type { Scope } from "./scope.ts";
import { groupScope } from "./subscription.store.ts";

export type OutboxEventRow = Selectable<OutboxEventTable>;

const CHUNK = 500;

/** Appends events in the caller's transaction, in the order given (their `seq` follows it). */
export async function insertOutboxEvents(db: Db, rows: Insertable<OutboxEventTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK)
    await db
      .insertInto("outbox_events")
      .values(rows.slice(i, i + CHUNK))
      .execute();
}

/** Events of one subject, in order. */
export function findOutboxEventsOf(
  db: Db,
  subjectType: string,
  subjectId: string,
): Promise<OutboxEventRow[]> {
  return db
    .selectFrom("outbox_events")
    .selectAll()
    .where("subject_type", "=", subjectType)
    .where("subject_id", "=", subjectId)
    .orderBy("seq")
    .execute();
}

/** Counts of events per month (`YYYY-MM` of their day), group and type, for groups in a scope. */
export interface MonthlyCountRow {
  month: string;
  group_id: string | null;
  group_name: string | null;
  type: string;
  n: number;
}

export function countOutboxEventsByMonth(
  db: Db,
  scope: Scope,
  types: string[],
  fromDay: string,
  toDay: string,
): Promise<MonthlyCountRow[]> {
  return db
    .selectFrom("outbox_events")
    .leftJoin("groups", "groups.id", "outbox_events.group_id")
    .select((eb) => [
      eb.fn<string>("substr", ["outbox_events.day", eb.val(1), eb.val(7)]).as("month"),
      "outbox_events.group_id",
      "groups.name as group_name",
      "outbox_events.type",
      eb.fn.countAll<number>().as("n"),
    ])
    .where("outbox_events.type", "in", types)
    .where("outbox_events.day", ">=", fromDay)
    .where("outbox_events.day", "<=", toDay)
    .where(groupScope(scope, "outbox_events.group_id"))
    .groupBy(["month", "outbox_events.group_id", "groups.name", "outbox_events.type"])
    .orderBy("month")
    .orderBy("groups.name")
    .execute();
}
