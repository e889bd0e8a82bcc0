import type { Insertable, Selectable } from "kysely";
import type { Db } from "./db.ts";
import type { AuditEventTable } from "./schema.ts";

export type AuditEventRow = Selectable<AuditEventTable>;

export async function insertAuditEvents(db: Db, rows: Insertable<AuditEventTable>[]): Promise<void> {
  if (rows.length) await db.insertInto("audit_events").values(rows).execute();
}

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  action?: string;
  actorId?: string;
  from?: string;
  to?: string;
  /** Events with `seq` greater than this (cursor). */
  afterSeq?: number;
  limit: number;
}

export function listAuditEvents(db: Db, f: AuditFilter): Promise<AuditEventRow[]> {
  let q = db.selectFrom("audit_events").selectAll();
  if (f.entityType) q = q.where("entity_type", "=", f.entityType);
  if (f.entityId) q = q.where("entity_id", "=", f.entityId);
  if (f.action) q = q.where("action", "=", f.action);
  if (f.actorId) q = q.where("actor_id", "=", f.actorId);
  if (f.from) q = q.where("at", ">=", f.from);
  if (f.to) q = q.where("at", "<", f.to);
  if (f.afterSeq !== undefined) q = q.where("seq", ">", f.afterSeq);
  return q.orderBy("seq").limit(f.limit).execute();
}
