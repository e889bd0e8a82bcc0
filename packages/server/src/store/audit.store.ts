import {
  type Expression,
  type ExpressionBuilder,
  type Insertable,
  type Selectable,
  type SelectQueryBuilder,
  type SqlBool,
  sql,
} from "kysely";
import type { Db } from "./db.ts";
import type { AuditEventTable, Database } from "./schema.ts";
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
  /**
   * The events of an order's entities: the order itself, its licenses, their activations and
   * the order's subscriptions. Selected by subqueries, so an order of any size is one query.
   */
  orderId?: string;
  /** The events of a license's entities: the license itself, its activations and subscriptions. */
  licenseId?: string;
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

type AuditEb = ExpressionBuilder<Database, "audit_events">;

/**
 * Events of one entity type whose entity is among the ids a subquery selects. The type comes
 * first, as in the `audit_entity (entity_type, entity_id)` index.
 */
function entitiesOf(
  eb: AuditEb,
  type: string,
  ids: SelectQueryBuilder<Database, keyof Database, { id: string }>,
): Expression<SqlBool> {
  return eb.and([eb("audit_events.entity_type", "=", type), eb("audit_events.entity_id", "in", ids)]);
}

/** The events of an order, its licenses, their activations and its subscriptions. */
function ofOrder(eb: AuditEb, orderId: string): Expression<SqlBool> {
  const licenses = () =>
    eb.selectFrom("licenses").select("licenses.id").where("licenses.order_id", "=", orderId);
  return eb.or([
    eb.and([eb("audit_events.entity_type", "=", "order"), eb("audit_events.entity_id", "=", orderId)]),
    entitiesOf(eb, "license", licenses()),
    entitiesOf(
      eb,
      "activation",
      eb.selectFrom("activations").select("activations.id").where("activations.license_id", "in", licenses()),
    ),
    entitiesOf(
      eb,
      "subscription",
      eb.selectFrom("subscriptions").select("subscriptions.id").where("subscriptions.order_id", "=", orderId),
    ),
  ]);
}

/** The events of a license, its activations and its subscriptions. */
function ofLicense(eb: AuditEb, licenseId: string): Expression<SqlBool> {
  return eb.or([
    eb.and([eb("audit_events.entity_type", "=", "license"), eb("audit_events.entity_id", "=", licenseId)]),
    entitiesOf(
      eb,
      "activation",
      eb.selectFrom("activations").select("activations.id").where("activations.license_id", "=", licenseId),
    ),
    entitiesOf(
      eb,
      "subscription",
      eb
        .selectFrom("subscriptions")
        .select("subscriptions.id")
        .where("subscriptions.license_id", "=", licenseId),
    ),
  ]);
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
  if (f.orderId) q = q.where((eb) => ofOrder(eb, f.orderId!));
  if (f.licenseId) q = q.where((eb) => ofLicense(eb, f.licenseId!));
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
