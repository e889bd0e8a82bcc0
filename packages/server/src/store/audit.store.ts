import { type Insertable, type Selectable, sql } from "kysely";
import type { Db } from "./db.ts";
import type { AuditEventTable } from "./schema.ts";
import type { Scope } from "./scope.ts";
import { groupScope } from "./subscription.store.ts";

export type AuditEventRow = Selectable<AuditEventTable>;

/** An event as listed, with the name of the user who acted (directly or through an API key). */
export interface AuditEventListRow extends AuditEventRow {
  actor_name: string | null;
  actor_email: string | null;
  /** The API key's name when the actor is an API key. */
  actor_key_name: string | null;
}

export async function insertAuditEvents(db: Db, rows: Insertable<AuditEventTable>[]): Promise<void> {
  if (rows.length) await db.insertInto("audit_events").values(rows).execute();
}

export interface AuditFilter {
  /**
   * Whose events: `all`, or the events whose group lies in the scope. Events without a group
   * (the catalog, signing keys, categories) belong to the vendor and match only `all`.
   */
  scope: Scope;
  entityType?: string;
  entityId?: string;
  action?: string;
  actorId?: string;
  /** Events by the user with this email, signed in or through one of its API keys. */
  actorEmail?: string;
  from?: string;
  to?: string;
  /** Cursor: events after this `seq` (oldest first) or before it (newest first). */
  cursorSeq?: number;
  newestFirst?: boolean;
  limit: number;
}

export function listAuditEvents(db: Db, f: AuditFilter): Promise<AuditEventListRow[]> {
  let q = db
    .selectFrom("audit_events")
    .leftJoin("api_keys", (j) =>
      j.onRef("api_keys.id", "=", "audit_events.actor_id").on("audit_events.actor_type", "=", "api_key"),
    )
    .leftJoin("users", (j) =>
      j.on(
        sql<boolean>`${sql.ref("users.id")} = case when ${sql.ref("audit_events.actor_type")} = 'user' then ${sql.ref(
          "audit_events.actor_id",
        )} else ${sql.ref("api_keys.user_id")} end`,
      ),
    )
    .selectAll("audit_events")
    .select(["users.name as actor_name", "users.email as actor_email", "api_keys.name as actor_key_name"]);
  if (f.scope.kind !== "all") q = q.where(groupScope(f.scope, "audit_events.group_id"));
  if (f.entityType) q = q.where("audit_events.entity_type", "=", f.entityType);
  if (f.entityId) q = q.where("audit_events.entity_id", "=", f.entityId);
  if (f.action) q = q.where("audit_events.action", "=", f.action);
  if (f.actorId) q = q.where("audit_events.actor_id", "=", f.actorId);
  if (f.actorEmail) q = q.where("users.email", "=", f.actorEmail.toLowerCase());
  if (f.from) q = q.where("audit_events.at", ">=", f.from);
  if (f.to) q = q.where("audit_events.at", "<", f.to);
  if (f.cursorSeq !== undefined) q = q.where("audit_events.seq", f.newestFirst ? "<" : ">", f.cursorSeq);
  return q
    .orderBy("audit_events.seq", f.newestFirst ? "desc" : "asc")
    .limit(f.limit)
    .execute();
}
