import type { Insertable } from "kysely";
import { addDuration, dayOf, parseDuration } from "../domain/dates.ts";
import { AppError, ErrorCode, notFound } from "../domain/errors.ts";
import { newId } from "../domain/ids.ts";
import {
  type Alignment,
  DEFAULT_RENEWAL_TERM,
  deadlineOf,
  deadlinePassed,
  drivenParameter,
  hasEnded,
  type Renewal,
  renewalsDue,
  type SubscriptionConfig,
  type SubscriptionState,
  type SubscriptionType,
} from "../domain/subscriptions.ts";
import type { Db } from "../store/db.ts";
import type { LicenseRow } from "../store/license.store.ts";
import { insertNotices } from "../store/notice.store.ts";
import type { OrderRow } from "../store/order.store.ts";
import { insertOutboxEvents } from "../store/outbox.store.ts";
import type { NoticeTable, OutboxEventTable, SubscriptionTermTable } from "../store/schema.ts";
import {
  findNoticeContacts,
  findSubscriptionById,
  findTermsOfSubscription,
  insertSubscriptions,
  insertSubscriptionTerms,
  listSubscriptions,
  lockDueSubscriptions,
  lockEndingSubscriptions,
  lockLicensesOfSubscriptions,
  lockSubscriptionById,
  lockSubscriptionsToRemind,
  markReminded,
  type NoticeContactRow,
  type RenewedLicense,
  type RenewedSubscription,
  type SubscriptionRow,
  type SubscriptionTermRow,
  updateRenewedLicenses,
  updateRenewedSubscriptions,
  updateSubscription,
} from "../store/subscription.store.ts";
import { type Change, recordAudit } from "./audit.service.ts";
import type { Ctx, Deps } from "./context.ts";
import type { NoticeService } from "./notice.service.ts";
import { groupInScope, requireRight, visibilityScope } from "./permissions.ts";

/** The renewal job acts for the vendor. */
export const JOB_CTX: Ctx = {
  actor: {
    type: "job",
    id: null,
    userId: null,
    groupId: null,
    groupPath: null,
    isAdmin: true,
    isIsvAdmin: true,
  },
  channel: "job",
};

/** A subscription as the API presents it. */
export interface Subscription {
  id: string;
  licenseId: string;
  orderId: string;
  categoryId: string;
  groupId: string;
  product: { code: number };
  type: SubscriptionType;
  status: "active" | "cancelled" | "ended";
  /** The current term, 1 for the first. */
  term: number;
  /** The day the subscription started (the order's creation day). */
  startDate: string;
  /** The last day of the current term. */
  endDate: string;
  /** The last day a cancellation of the current term is accepted. */
  cancellationDeadline: string;
  cancellationPeriod: string;
  renewalTerm: string;
  alignTo: Alignment | null;
  cancelledAt: string | null;
  endedAt: string | null;
  endReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One term of a subscription's history. */
export interface SubscriptionTerm {
  term: number;
  kind: "initial" | "renewal";
  startDate: string;
  endDate: string;
  cancellationDeadline: string;
  /** Creation day for the first term; the day after the passed deadline for a renewal. */
  effectiveDay: string;
  licenseVersion: number;
  recordedAt: string;
}

export function presentSubscription(r: SubscriptionRow): Subscription {
  return {
    id: r.id,
    licenseId: r.license_id,
    orderId: r.order_id,
    categoryId: r.category_id,
    groupId: r.group_id,
    product: { code: Number(r.product_code) },
    type: r.type as SubscriptionType,
    status: r.status as Subscription["status"],
    term: r.term,
    startDate: dayOf(new Date(r.created_at)),
    endDate: r.end_date,
    cancellationDeadline: r.deadline,
    cancellationPeriod: r.cancellation_period,
    renewalTerm: r.renewal_term,
    alignTo: r.align_to as Alignment | null,
    cancelledAt: r.cancelled_at,
    endedAt: r.ended_at,
    endReason: r.end_reason,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function presentTerm(t: SubscriptionTermRow): SubscriptionTerm {
  return {
    term: t.term,
    kind: t.kind as SubscriptionTerm["kind"],
    startDate: t.start_date,
    endDate: t.end_date,
    cancellationDeadline: t.deadline,
    effectiveDay: t.effective_day,
    licenseVersion: t.license_version,
    recordedAt: t.recorded_at,
  };
}

function stateOf(r: SubscriptionRow): SubscriptionState {
  return {
    status: r.status as SubscriptionState["status"],
    term: r.term,
    firstEnd: r.first_end,
    endDate: r.end_date,
    deadline: r.deadline,
    cancellationPeriod: r.cancellation_period,
    renewalTerm: r.renewal_term,
    alignTo: (r.align_to ?? undefined) as Alignment | undefined,
  };
}

/** Events a subscription emits into the outbox, and the reports count. */
export type SubscriptionEventType =
  | "subscription.created"
  | "subscription.renewed"
  | "subscription.cancelled"
  | "subscription.cancellation_withdrawn"
  | "subscription.ended";

function outboxEvent(
  type: SubscriptionEventType,
  s: SubscriptionRow,
  day: string,
  now: Date,
  details: Record<string, unknown>,
): Insertable<OutboxEventTable> {
  return {
    id: newId(now.getTime()),
    type,
    subject_type: "subscription",
    subject_id: s.id,
    group_id: s.group_id,
    day,
    at: now.toISOString(),
    payload: JSON.stringify({
      subscription: s.id,
      license: s.license_id,
      order: s.order_id,
      group: s.group_id,
      product: Number(s.product_code),
      type: s.type,
      ...details,
    }),
    delivered_at: null,
  };
}

export type NoticeKind = "upcoming_deadline" | "renewed" | "cancelled" | "cancellation_withdrawn" | "ended";

/** What a notice tells; the texts are built from it. */
interface NoticeFacts {
  productName: string;
  licenseId: string;
  endDate: string;
  deadline: string;
  term: number;
}

const SUBJECTS: Record<NoticeKind, (f: NoticeFacts) => string> = {
  upcoming_deadline: (f) => `Subscription of ${f.productName}: cancellation deadline ${f.deadline}`,
  renewed: (f) => `Subscription of ${f.productName} renewed until ${f.endDate}`,
  cancelled: (f) => `Subscription of ${f.productName} cancelled: it ends on ${f.endDate}`,
  cancellation_withdrawn: (f) => `Subscription of ${f.productName} continues: cancellation withdrawn`,
  ended: (f) => `Subscription of ${f.productName} ended on ${f.endDate}`,
};

const BODIES: Record<NoticeKind, (f: NoticeFacts) => string> = {
  upcoming_deadline: (f) =>
    `The subscription runs until ${f.endDate}. Unless it is cancelled by ${f.deadline}, it renews automatically.`,
  renewed: (f) =>
    `The subscription has renewed (term ${f.term}) and now runs until ${f.endDate}. Refresh the license on each device to receive the extended license file. The next cancellation deadline is ${f.deadline}.`,
  cancelled: (f) =>
    `The subscription has been cancelled. The license keeps working until ${f.endDate} and stops after. The cancellation can be withdrawn until ${f.deadline}.`,
  cancellation_withdrawn: (f) =>
    `The cancellation has been withdrawn: the subscription renews unless it is cancelled by ${f.deadline}.`,
  ended: (f) => `The subscription ended on ${f.endDate}; the license is no longer extended.`,
};

/**
 * The notices of one event, to the order's customer contact and to the partner who created the
 * order; `key` makes each unique, so an event never queues its notices twice.
 */
function noticeRows(
  kind: NoticeKind,
  key: string,
  s: SubscriptionRow,
  facts: NoticeFacts,
  contact: NoticeContactRow | undefined,
  now: Date,
): Insertable<NoticeTable>[] {
  if (!contact) return [];
  const order = contact.external_order_number ? ` (order ${contact.external_order_number})` : "";
  const customer = contact.customer_company ?? contact.customer_name ?? "the customer";
  const text = [
    BODIES[kind](facts),
    "",
    `Product: ${facts.productName}`,
    `Customer: ${customer}${order}`,
    `License: ${facts.licenseId}`,
    `Subscription: ${s.id}`,
  ].join("\n");
  const recipients = [
    ["customer", contact.customer_email],
    ["partner", contact.partner_email],
  ].filter((r): r is [string, string] => typeof r[1] === "string" && r[1].length > 0);
  const seen = new Set<string>();
  const iso = now.toISOString();
  const out: Insertable<NoticeTable>[] = [];
  for (const [role, to] of recipients) {
    if (seen.has(to.toLowerCase())) continue;
    seen.add(to.toLowerCase());
    out.push({
      key: `${kind}:${key}:${role}`,
      subscription_id: s.id,
      kind,
      recipient: to,
      subject: SUBJECTS[kind](facts),
      body: text,
      status: "pending",
      attempts: 0,
      next_attempt_at: iso,
      last_error: null,
      created_at: iso,
      sent_at: null,
    });
  }
  return out;
}

/** A license of a new order that is sold as a subscription, with the category's configuration. */
export interface NewSubscription {
  license: LicenseRow;
  config: SubscriptionConfig;
}

/**
 * Opens the subscriptions of a new order inside the order's transaction: the subscription, its
 * first term, an audit event and a `subscription.created` event each.
 */
export async function openSubscriptions(
  trx: Db,
  ctx: Ctx,
  now: Date,
  order: OrderRow,
  items: NewSubscription[],
): Promise<void> {
  if (!items.length) return;
  const iso = now.toISOString();
  const today = dayOf(now);
  const rows: SubscriptionRow[] = items.map(({ license, config }) => {
    const endDate = JSON.parse(license.values)[drivenParameter(config.type)] as string;
    return {
      id: newId(now.getTime()),
      license_id: license.id,
      order_id: order.id,
      category_id: order.category_id!,
      group_id: order.group_id,
      product_code: Number(license.product_code),
      type: config.type,
      status: "active",
      term: 1,
      first_end: endDate,
      end_date: endDate,
      deadline: deadlineOf(endDate, config.cancellationPeriod),
      cancellation_period: config.cancellationPeriod,
      renewal_term: config.renewalTerm ?? DEFAULT_RENEWAL_TERM,
      align_to: config.alignTo ?? null,
      cancelled_at: null,
      cancelled_by: null,
      ended_at: null,
      end_reason: null,
      reminded_term: 0,
      created_at: iso,
      updated_at: iso,
    };
  });
  await insertSubscriptions(trx, rows);
  await insertSubscriptionTerms(
    trx,
    rows.map((s) => ({
      subscription_id: s.id,
      term: 1,
      kind: "initial",
      start_date: today,
      end_date: s.end_date,
      deadline: s.deadline,
      effective_day: today,
      license_version: 1,
      recorded_at: iso,
      recorded_by: null,
    })),
  );
  await recordAudit(
    trx,
    ctx,
    now,
    rows.map((s) => ({
      action: "subscription.created",
      entityType: "subscription",
      entityId: s.id,
      groupId: s.group_id,
      after: presentSubscription(s),
    })),
  );
  await insertOutboxEvents(
    trx,
    rows.map((s) =>
      outboxEvent("subscription.created", s, today, now, {
        term: 1,
        endDate: s.end_date,
        deadline: s.deadline,
      }),
    ),
  );
}

export interface SubscriptionQuery {
  status?: string;
  license?: string;
  order?: string;
  product?: number;
  group?: string;
  deadlineFrom?: string;
  deadlineTo?: string;
  cursor?: string;
  limit: number;
}

/** What one run of the renewal work did. */
export interface RenewalRunResult {
  /** Subscriptions renewed (each by one or more terms). */
  renewed: number;
  /** Terms written: more than `renewed` when a subscription caught up on missed deadlines. */
  terms: number;
  ended: number;
  reminded: number;
  /** Subscriptions skipped because processing them failed (see the log). */
  failed: number;
}

/** The rows one transaction of the renewal work locks and processes. */
const BATCH = 500;

/** Changes collected over a batch, written with one statement per table. */
class Batch {
  readonly audits: Change[] = [];
  readonly events: Insertable<OutboxEventTable>[] = [];
  readonly notices: Insertable<NoticeTable>[] = [];

  async write(trx: Db, ctx: Ctx, now: Date): Promise<void> {
    await recordAudit(trx, ctx, now, this.audits);
    await insertOutboxEvents(trx, this.events);
    await insertNotices(trx, this.notices);
  }
}

export class SubscriptionService {
  constructor(
    private readonly deps: Deps,
    private readonly notices: NoticeService,
  ) {}

  async get(ctx: Ctx, id: string): Promise<Subscription & { terms: SubscriptionTerm[] }> {
    const row = await this.visible(ctx, this.deps.db, id, false);
    const terms = await findTermsOfSubscription(this.deps.db, id);
    return { ...presentSubscription(row), terms: terms.map(presentTerm) };
  }

  async list(ctx: Ctx, q: SubscriptionQuery): Promise<{ data: Subscription[]; nextCursor: string | null }> {
    const rows = await listSubscriptions(this.deps.db, {
      scope: visibilityScope(ctx),
      status: q.status,
      licenseId: q.license,
      orderId: q.order,
      productCode: q.product,
      groupId: q.group,
      deadlineFrom: q.deadlineFrom,
      deadlineTo: q.deadlineTo,
      afterId: q.cursor,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    return {
      data: page.map(presentSubscription),
      nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
    };
  }

  /**
   * Cancels the subscription: it ends on its end date. Up to the deadline this is the current
   * term; after it the term has renewed (renewals still owed are applied first), so the
   * cancellation applies to the new term. Cancelling twice changes nothing.
   */
  async cancel(ctx: Ctx, id: string): Promise<Subscription> {
    const now = this.deps.clock.now();
    const today = dayOf(now);
    const result = await this.deps.db.transaction().execute(async (trx) => {
      let row = await this.visible(ctx, trx, id, true);
      await requireRight(trx, ctx, row.category_id, "revoke", "cancel this subscription");
      if (row.status === "ended" || hasEnded(stateOf(row), today))
        throw new AppError(ErrorCode.SUBSCRIPTION_ENDED, `subscription ${id} ended on ${row.end_date}`);
      if (row.status === "cancelled") return presentSubscription(row);
      if (renewalsDue(stateOf(row), today).length) {
        const batch = new Batch();
        await this.renewLocked(trx, [row], now, null, batch);
        await batch.write(trx, JOB_CTX, now);
        row = (await findSubscriptionById(trx, id))!;
        if (row.status !== "active")
          throw new AppError(
            ErrorCode.SUBSCRIPTION_ENDED,
            `subscription ${id} has ended (${row.end_reason})`,
          );
      }
      const next: SubscriptionRow = {
        ...row,
        status: "cancelled",
        cancelled_at: now.toISOString(),
        cancelled_by: ctx.actor.id,
        updated_at: now.toISOString(),
      };
      await updateSubscription(trx, id, {
        status: next.status,
        cancelled_at: next.cancelled_at,
        cancelled_by: next.cancelled_by,
        updated_at: next.updated_at,
      });
      await this.recordChange(trx, ctx, now, row, next, "subscription.cancelled", "cancelled");
      return presentSubscription(next);
    });
    // Its notices go out right after the commit, without holding up the answer.
    this.notices.deliverSoon();
    return result;
  }

  /** Withdraws a cancellation, until the deadline: the subscription renews again. */
  async withdrawCancellation(ctx: Ctx, id: string): Promise<Subscription> {
    const now = this.deps.clock.now();
    const today = dayOf(now);
    const result = await this.deps.db.transaction().execute(async (trx) => {
      const row = await this.visible(ctx, trx, id, true);
      await requireRight(trx, ctx, row.category_id, "revoke", "withdraw this subscription's cancellation");
      if (row.status === "ended" || hasEnded(stateOf(row), today))
        throw new AppError(ErrorCode.SUBSCRIPTION_ENDED, `subscription ${id} ended on ${row.end_date}`);
      if (row.status !== "cancelled")
        throw new AppError(ErrorCode.SUBSCRIPTION_NOT_CANCELLED, `subscription ${id} is not cancelled`);
      if (deadlinePassed(row.deadline, today))
        throw new AppError(
          ErrorCode.CANCELLATION_DEADLINE_PASSED,
          `the cancellation deadline ${row.deadline} has passed; the subscription ends on ${row.end_date}`,
          { deadline: row.deadline, endDate: row.end_date },
        );
      const next: SubscriptionRow = {
        ...row,
        status: "active",
        cancelled_at: null,
        cancelled_by: null,
        updated_at: now.toISOString(),
      };
      await updateSubscription(trx, id, {
        status: next.status,
        cancelled_at: null,
        cancelled_by: null,
        updated_at: next.updated_at,
      });
      await this.recordChange(
        trx,
        ctx,
        now,
        row,
        next,
        "subscription.cancellation_withdrawn",
        "cancellation_withdrawn",
      );
      return presentSubscription(next);
    });
    // Its notices go out right after the commit, without holding up the answer.
    this.notices.deliverSoon();
    return result;
  }

  private async recordChange(
    trx: Db,
    ctx: Ctx,
    now: Date,
    before: SubscriptionRow,
    after: SubscriptionRow,
    type: SubscriptionEventType,
    kind: NoticeKind,
  ): Promise<void> {
    const [license] = await lockLicensesOfSubscriptions(trx, [after.license_id]);
    const [contact] = await findNoticeContacts(trx, [after.order_id]);
    const event = outboxEvent(type, after, dayOf(now), now, {
      term: after.term,
      endDate: after.end_date,
      deadline: after.deadline,
      by: { type: ctx.actor.type, id: ctx.actor.id },
    });
    await recordAudit(trx, ctx, now, [
      {
        action: type,
        entityType: "subscription",
        entityId: after.id,
        groupId: after.group_id,
        before: presentSubscription(before),
        after: presentSubscription(after),
      },
    ]);
    await insertOutboxEvents(trx, [event]);
    await insertNotices(
      trx,
      noticeRows(
        kind,
        event.id,
        after,
        {
          productName: license?.product_name ?? `product ${after.product_code}`,
          licenseId: after.license_id,
          endDate: after.end_date,
          deadline: after.deadline,
          term: after.term,
        },
        contact,
        now,
      ),
    );
  }

  /**
   * The renewal work, as of the clock's now: renews every active subscription whose deadline has
   * passed (each missed term once, in order), ends cancelled subscriptions past their end date and
   * queues reminders of deadlines within the lead time. Each batch is one transaction, so a crash
   * leaves every subscription renewed or not; on PostgreSQL nodes running at once share the rows.
   * Running it again changes nothing.
   */
  async runDue(node: string, batchSize = BATCH): Promise<RenewalRunResult> {
    const now = this.deps.clock.now();
    const today = dayOf(now);
    const result: RenewalRunResult = { renewed: 0, terms: 0, ended: 0, reminded: 0, failed: 0 };
    const renew = await this.inBatches(batchSize, now, node, "renew", (trx, skip) =>
      lockDueSubscriptions(trx, today, batchSize, skip),
    );
    result.renewed = renew.subscriptions;
    result.terms = renew.terms;
    const end = await this.inBatches(batchSize, now, node, "end", (trx, skip) =>
      lockEndingSubscriptions(trx, today, batchSize, skip),
    );
    result.ended = end.subscriptions;
    result.failed = renew.failed + end.failed;
    const until = addDuration(today, parseDuration(this.deps.config.subscriptionNoticeLead)!);
    for (;;) {
      const n = await this.deps.db.transaction().execute(async (trx) => {
        const rows = await lockSubscriptionsToRemind(trx, today, until, batchSize);
        await this.remindLocked(trx, rows, now);
        return rows.length;
      });
      result.reminded += n;
      if (n < batchSize) break;
    }
    return result;
  }

  /**
   * Processes locked batches until none is left. A batch that fails is retried one subscription
   * per transaction, so one bad row cannot hold up the others; rows that fail alone are skipped
   * for the rest of the run and logged.
   */
  private async inBatches(
    batchSize: number,
    now: Date,
    node: string,
    what: "renew" | "end",
    lock: (trx: Db, skip: string[]) => Promise<SubscriptionRow[]>,
  ): Promise<{ subscriptions: number; terms: number; failed: number }> {
    const skip: string[] = [];
    const out = { subscriptions: 0, terms: 0, failed: 0 };
    const process = async (trx: Db, rows: SubscriptionRow[]) => {
      const batch = new Batch();
      const r =
        what === "renew"
          ? await this.renewLocked(trx, rows, now, node, batch)
          : await this.endLocked(trx, rows, now, batch);
      await batch.write(trx, JOB_CTX, now);
      return r;
    };
    for (;;) {
      let rows: SubscriptionRow[] = [];
      try {
        const r = await this.deps.db.transaction().execute(async (trx) => {
          rows = await lock(trx, skip);
          return process(trx, rows);
        });
        out.subscriptions += r.subscriptions;
        out.terms += r.terms;
        // A row the re-check inside the transaction left alone is not picked again.
        for (const id of r.untouched) skip.push(id);
      } catch (err) {
        if (!rows.length) throw err;
        for (const row of rows) {
          try {
            const r = await this.deps.db.transaction().execute(async (trx) => {
              const locked = await lockSubscriptionById(trx, row.id);
              return process(trx, locked ? [locked] : []);
            });
            out.subscriptions += r.subscriptions;
            out.terms += r.terms;
            for (const id of r.untouched) skip.push(id);
          } catch (e) {
            this.deps.log.error({ err: e, subscription: row.id }, `could not ${what} a subscription`);
            skip.push(row.id);
            out.failed++;
          }
        }
      }
      if (rows.length < batchSize) return out;
    }
  }

  /**
   * Renews locked subscriptions whose deadlines have passed, re-checking each inside the
   * transaction: one term per passed deadline, the license's driven date moved to the new end
   * date and its version increased once per term. A subscription whose license was revoked or
   * deleted is not renewed; it ends.
   */
  private async renewLocked(
    trx: Db,
    rows: SubscriptionRow[],
    now: Date,
    node: string | null,
    batch: Batch,
  ): Promise<{ subscriptions: number; terms: number; untouched: string[] }> {
    const today = dayOf(now);
    const iso = now.toISOString();
    const untouched: string[] = [];
    const due = new Map<string, Renewal[]>();
    for (const s of rows) {
      const r = renewalsDue(stateOf(s), today);
      if (r.length) due.set(s.id, r);
      else untouched.push(s.id);
    }
    const owed = rows.filter((s) => due.has(s.id));
    if (!owed.length) return { subscriptions: 0, terms: 0, untouched };
    const licenses = new Map(
      (
        await lockLicensesOfSubscriptions(
          trx,
          owed.map((s) => s.license_id),
        )
      ).map((l) => [l.id, l]),
    );
    const contacts = new Map(
      (
        await findNoticeContacts(
          trx,
          owed.map((s) => s.order_id),
        )
      ).map((c) => [c.order_id, c]),
    );
    const terms: Insertable<SubscriptionTermTable>[] = [];
    const renewedLicenses: RenewedLicense[] = [];
    const renewedSubscriptions: RenewedSubscription[] = [];
    for (const s of owed) {
      const renewals = due.get(s.id)!;
      const license = licenses.get(s.license_id);
      const contact = contacts.get(s.order_id);
      if (license?.status !== "active") {
        const reason = license ? "license_revoked" : "license_deleted";
        await this.end(trx, s, now, reason, renewals[0]!.effectiveDay, license, contact, batch);
        continue;
      }
      const driven = drivenParameter(s.type as SubscriptionType);
      const values = JSON.parse(license.values) as Record<string, unknown>;
      let version = license.version;
      for (const r of renewals) {
        version++;
        terms.push({
          subscription_id: s.id,
          term: r.term,
          kind: "renewal",
          start_date: r.startDate,
          end_date: r.endDate,
          deadline: r.deadline,
          effective_day: r.effectiveDay,
          license_version: version,
          recorded_at: iso,
          recorded_by: node,
        });
        batch.events.push(
          outboxEvent("subscription.renewed", s, r.effectiveDay, now, {
            term: r.term,
            startDate: r.startDate,
            endDate: r.endDate,
            deadline: r.deadline,
            licenseVersion: version,
          }),
        );
        // One audit event per renewal records the license's change too (its version and date).
        batch.audits.push({
          action: "subscription.renewed",
          entityType: "subscription",
          entityId: s.id,
          groupId: s.group_id,
          before: { term: r.term - 1, license: { id: license.id, version: version - 1 } },
          after: {
            term: r.term,
            startDate: r.startDate,
            endDate: r.endDate,
            cancellationDeadline: r.deadline,
            license: { id: license.id, version, [driven]: r.endDate },
          },
        });
        batch.notices.push(
          ...noticeRows(
            "renewed",
            `${s.id}:${r.term}`,
            s,
            {
              productName: license.product_name,
              licenseId: license.id,
              endDate: r.endDate,
              deadline: r.deadline,
              term: r.term,
            },
            contact,
            now,
          ),
        );
      }
      const last = renewals[renewals.length - 1]!;
      values[driven] = last.endDate;
      renewedLicenses.push({
        id: license.id,
        values: JSON.stringify(values),
        version,
        driven,
        endDate: last.endDate,
        updatedAt: iso,
      });
      renewedSubscriptions.push({
        id: s.id,
        term: last.term,
        endDate: last.endDate,
        deadline: last.deadline,
        updatedAt: iso,
      });
    }
    // The primary key (subscription_id, term) refuses a term written twice: the last guard.
    await insertSubscriptionTerms(trx, terms);
    await updateRenewedLicenses(trx, renewedLicenses);
    await updateRenewedSubscriptions(trx, renewedSubscriptions);
    return { subscriptions: renewedSubscriptions.length, terms: terms.length, untouched };
  }

  /** Ends locked cancelled subscriptions whose end date has passed (re-checked here). */
  private async endLocked(
    trx: Db,
    rows: SubscriptionRow[],
    now: Date,
    batch: Batch,
  ): Promise<{ subscriptions: number; terms: number; untouched: string[] }> {
    const today = dayOf(now);
    const ending = rows.filter((s) => hasEnded(stateOf(s), today));
    const untouched = rows.filter((s) => !hasEnded(stateOf(s), today)).map((s) => s.id);
    if (!ending.length) return { subscriptions: 0, terms: 0, untouched };
    const licenses = new Map(
      (
        await lockLicensesOfSubscriptions(
          trx,
          ending.map((s) => s.license_id),
        )
      ).map((l) => [l.id, l]),
    );
    const contacts = new Map(
      (
        await findNoticeContacts(
          trx,
          ending.map((s) => s.order_id),
        )
      ).map((c) => [c.order_id, c]),
    );
    for (const s of ending)
      await this.end(
        trx,
        s,
        now,
        "cancelled",
        s.end_date,
        licenses.get(s.license_id),
        contacts.get(s.order_id),
        batch,
      );
    return { subscriptions: ending.length, terms: 0, untouched };
  }

  private async end(
    trx: Db,
    s: SubscriptionRow,
    now: Date,
    reason: "cancelled" | "license_revoked" | "license_deleted",
    day: string,
    license: LicenseRow | undefined,
    contact: NoticeContactRow | undefined,
    batch: Batch,
  ): Promise<void> {
    const iso = now.toISOString();
    const next: SubscriptionRow = {
      ...s,
      status: "ended",
      ended_at: iso,
      end_reason: reason,
      updated_at: iso,
    };
    await updateSubscription(trx, s.id, {
      status: "ended",
      ended_at: iso,
      end_reason: reason,
      updated_at: iso,
    });
    batch.events.push(
      outboxEvent("subscription.ended", next, day, now, { term: s.term, endDate: s.end_date, reason }),
    );
    batch.audits.push({
      action: "subscription.ended",
      entityType: "subscription",
      entityId: s.id,
      groupId: s.group_id,
      before: presentSubscription(s),
      after: presentSubscription(next),
    });
    if (reason === "cancelled")
      batch.notices.push(
        ...noticeRows(
          "ended",
          s.id,
          s,
          {
            productName: license?.product_name ?? `product ${s.product_code}`,
            licenseId: s.license_id,
            endDate: s.end_date,
            deadline: s.deadline,
            term: s.term,
          },
          contact,
          now,
        ),
      );
  }

  /** Queues the upcoming-deadline notices of locked subscriptions, once per term. */
  private async remindLocked(trx: Db, rows: SubscriptionRow[], now: Date): Promise<void> {
    if (!rows.length) return;
    const licenses = new Map(
      (
        await lockLicensesOfSubscriptions(
          trx,
          rows.map((s) => s.license_id),
        )
      ).map((l) => [l.id, l]),
    );
    const contacts = new Map(
      (
        await findNoticeContacts(
          trx,
          rows.map((s) => s.order_id),
        )
      ).map((c) => [c.order_id, c]),
    );
    const queued = rows.flatMap((s) =>
      noticeRows(
        "upcoming_deadline",
        `${s.id}:${s.term}`,
        s,
        {
          productName: licenses.get(s.license_id)?.product_name ?? `product ${s.product_code}`,
          licenseId: s.license_id,
          endDate: s.end_date,
          deadline: s.deadline,
          term: s.term,
        },
        contacts.get(s.order_id),
        now,
      ),
    );
    await insertNotices(trx, queued);
    await markReminded(
      trx,
      rows.map((s) => s.id),
    );
  }

  private async visible(ctx: Ctx, db: Db, id: string, lock: boolean): Promise<SubscriptionRow> {
    const row = await (lock ? lockSubscriptionById(db, id) : findSubscriptionById(db, id));
    if (!row || !(await groupInScope(db, visibilityScope(ctx), row.group_id)))
      throw notFound("subscription", id);
    return row;
  }
}
