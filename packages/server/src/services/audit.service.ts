import { newId } from "../domain/ids.ts";
import { type AuditEventRow, insertAuditEvents, listAuditEvents } from "../store/audit.store.ts";
import type { Db } from "../store/db.ts";
import type { Ctx, Deps } from "./context.ts";
import { requireIsvAdmin } from "./permissions.ts";

/** One change to record. `before`/`after` are the entity's public views. */
export interface Change {
  action: string;
  entityType: string;
  entityId: string;
  groupId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Appends audit events inside the caller's transaction, so a change and its record commit together. */
export async function recordAudit(trx: Db, ctx: Ctx, at: Date, changes: Change[]): Promise<void> {
  const iso = at.toISOString();
  await insertAuditEvents(
    trx,
    changes.map((c) => ({
      id: newId(at.getTime()),
      at: iso,
      actor_type: ctx.actor.type,
      actor_id: ctx.actor.id,
      channel: ctx.channel,
      action: c.action,
      entity_type: c.entityType,
      entity_id: c.entityId,
      group_id: c.groupId ?? null,
      before: c.before === undefined ? null : JSON.stringify(c.before),
      after: c.after === undefined ? null : JSON.stringify(c.after),
    })),
  );
}

export interface AuditEvent {
  id: string;
  seq: number;
  at: string;
  actor: { type: string; id: string | null };
  channel: string;
  action: string;
  entity: { type: string; id: string };
  before: unknown;
  after: unknown;
}

export function presentAuditEvent(r: AuditEventRow): AuditEvent {
  return {
    id: r.id,
    seq: Number(r.seq),
    at: r.at,
    actor: { type: r.actor_type, id: r.actor_id },
    channel: r.channel,
    action: r.action,
    entity: { type: r.entity_type, id: r.entity_id },
    before: r.before === null ? null : JSON.parse(r.before),
    after: r.after === null ? null : JSON.parse(r.after),
  };
}

export interface AuditQuery {
  entityType?: string;
  entityId?: string;
  action?: string;
  actorId?: string;
  from?: string;
  to?: string;
  cursor?: number;
  limit: number;
}

export class AuditService {
  constructor(private readonly deps: Deps) {}

  async list(ctx: Ctx, q: AuditQuery): Promise<{ data: AuditEvent[]; nextCursor: string | null }> {
    requireIsvAdmin(ctx, "read the audit log");
    const rows = await listAuditEvents(this.deps.db, {
      ...q,
      from: q.from === undefined ? undefined : new Date(q.from).toISOString(),
      to: q.to === undefined ? undefined : new Date(q.to).toISOString(),
      afterSeq: q.cursor,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    return {
      data: page.map(presentAuditEvent),
      nextCursor: rows.length > q.limit ? String(page[page.length - 1]!.seq) : null,
    };
  }
}
