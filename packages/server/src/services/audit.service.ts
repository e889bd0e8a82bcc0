import { invalid } from "../domain/errors.ts";
import { newId } from "../domain/ids.ts";
import {
  type AuditEventListRow,
  type AuditEventRow,
  insertAuditEvents,
  listAuditEvents,
} from "../store/audit.store.ts";
import type { Db } from "../store/db.ts";
import type { Ctx, Deps } from "./context.ts";
import { requireAdmin, visibilityScope } from "./permissions.ts";

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

/** An event as listed for people: the acting user's name and email, and the API key's name. */
export interface ListedAuditEvent extends AuditEvent {
  actorUser: { name: string; email: string } | null;
  actorKeyName: string | null;
}

function presentListed(r: AuditEventListRow): ListedAuditEvent {
  return {
    ...presentAuditEvent(r),
    actorUser:
      r.actor_name !== null && r.actor_email !== null ? { name: r.actor_name, email: r.actor_email } : null,
    actorKeyName: r.actor_key_name,
  };
}

/**
 * Who acted, in words a person recognizes: "Ada Lovelace (ada@example.com)", with
 * ", API key “ERP”" when through an API key, "the customer (ticket holder)", "the renewal job"
 * or "the system".
 */
export function actorInWords(r: AuditEventListRow): string {
  const person =
    r.actor_name && r.actor_email
      ? `${r.actor_name} (${r.actor_email})`
      : (r.actor_email ?? "a deleted user");
  if (r.actor_type === "user") return person;
  if (r.actor_type === "api_key")
    return r.actor_key_name ? `${person}, API key “${r.actor_key_name}”` : "an API key";
  if (r.actor_type === "customer") return "the customer (ticket holder)";
  if (r.actor_type === "job") return "the renewal job";
  return "the system";
}

/** One event of an order's or a license's history, with who acted in words (`actorInWords`). */
export interface HistoryEvent extends AuditEvent {
  who: string;
}

/** An event as a history shows it. */
export function presentHistoryEvent(r: AuditEventListRow): HistoryEvent {
  return { ...presentAuditEvent(r), who: actorInWords(r) };
}

export interface AuditQuery {
  entityType?: string;
  entityId?: string;
  action?: string;
  actorId?: string;
  /** Events by the user with this email, signed in or through its API keys. */
  actorEmail?: string;
  /** Instants (ISO 8601): `from` inclusive, `to` exclusive. */
  from?: string;
  to?: string;
  /** The `seq` of the last event of the previous page. */
  cursor?: number;
  /** Newest first (the web pages); oldest first by default (the API). */
  newestFirst?: boolean;
  limit: number;
}

/** An instant as stored (`toISOString`), or a validation issue naming the field. */
function instant(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw invalid([{ field, message: `${value} is not a date and time` }]);
  return d.toISOString();
}

export class AuditService {
  constructor(private readonly deps: Deps) {}

  /**
   * The audit log, one page. ISV admins read all of it; the admins of other groups read the
   * events of their group's subtree (events without a group are the vendor's); nobody else reads it.
   */
  async list(ctx: Ctx, q: AuditQuery): Promise<{ data: ListedAuditEvent[]; nextCursor: string | null }> {
    requireAdmin(ctx, "read the audit log");
    const rows = await listAuditEvents(this.deps.db, {
      ...q,
      scope: visibilityScope(ctx),
      from: instant("from", q.from),
      to: instant("to", q.to),
      cursorSeq: q.cursor,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    return {
      data: page.map(presentListed),
      nextCursor: rows.length > q.limit ? String(page[page.length - 1]!.seq) : null,
    };
  }
}
