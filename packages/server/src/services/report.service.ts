import { dayOf } from "../domain/dates.ts";
import { invalid } from "../domain/errors.ts";
import { countOutboxEventsByMonth } from "../store/outbox.store.ts";
import { listRunningSubscriptions } from "../store/subscription.store.ts";
import type { Ctx, Deps } from "./context.ts";
import { requireAdmin, visibilityScope } from "./permissions.ts";

/** One running subscription (active, or cancelled and not yet ended) in the billing report. */
export interface ActiveSubscriptionReportRow {
  subscriptionId: string;
  licenseId: string;
  orderId: string;
  externalOrderNumber: string | null;
  groupId: string;
  groupName: string | null;
  productCode: number;
  productName: string | null;
  type: string;
  status: string;
  term: number;
  endDate: string;
  cancellationDeadline: string;
  customerCompany: string | null;
  customerName: string | null;
  customerEmail: string | null;
}

/** One month of one group: how many subscriptions were created, renewed, cancelled and ended. */
export interface MonthlyReportRow {
  month: string;
  groupId: string | null;
  groupName: string | null;
  created: number;
  renewed: number;
  cancelled: number;
  withdrawn: number;
  ended: number;
}

const COLUMNS: Record<string, keyof Omit<MonthlyReportRow, "month" | "groupId" | "groupName">> = {
  "subscription.created": "created",
  "subscription.renewed": "renewed",
  "subscription.cancelled": "cancelled",
  "subscription.cancellation_withdrawn": "withdrawn",
  "subscription.ended": "ended",
};

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * The reports partners are billed from. Admins see their group's subtree, ISV admins everything;
 * each row belongs to the group whose order created the subscription.
 */
export class ReportService {
  constructor(private readonly deps: Deps) {}

  async activeSubscriptions(
    ctx: Ctx,
    q: { product?: number; group?: string },
  ): Promise<{ asOf: string; data: ActiveSubscriptionReportRow[] }> {
    requireAdmin(ctx, "read reports");
    const rows = await listRunningSubscriptions(this.deps.db, visibilityScope(ctx), {
      productCode: q.product,
      groupId: q.group,
    });
    return {
      asOf: dayOf(this.deps.clock.now()),
      data: rows.map((r) => ({
        subscriptionId: r.id,
        licenseId: r.license_id,
        orderId: r.order_id,
        externalOrderNumber: r.external_order_number,
        groupId: r.group_id,
        groupName: r.group_name,
        productCode: Number(r.product_code),
        productName: r.product_name,
        type: r.type,
        status: r.status,
        term: r.term,
        endDate: r.end_date,
        cancellationDeadline: r.deadline,
        customerCompany: r.customer_company,
        customerName: r.customer_name,
        customerEmail: r.customer_email,
      })),
    };
  }

  /**
   * Counts per month and group, months `from`..`to` (`YYYY-MM`, default the clock's month). A
   * renewal counts in the month its deadline passed, an end in the month of the end date, a
   * cancellation or withdrawal in the month it was made.
   */
  async subscriptionActivity(
    ctx: Ctx,
    q: { from?: string; to?: string },
  ): Promise<{ from: string; to: string; data: MonthlyReportRow[] }> {
    requireAdmin(ctx, "read reports");
    const current = dayOf(this.deps.clock.now()).slice(0, 7);
    const from = q.from ?? current;
    const to = q.to ?? (q.from && q.from > current ? q.from : current);
    const issues = [
      ...(MONTH.test(from) ? [] : [{ field: "from", message: `${from} must be a month, YYYY-MM` }]),
      ...(MONTH.test(to) ? [] : [{ field: "to", message: `${to} must be a month, YYYY-MM` }]),
    ];
    if (!issues.length && from > to) issues.push({ field: "from", message: `${from} is after to ${to}` });
    if (issues.length) throw invalid(issues);
    const counts = await countOutboxEventsByMonth(
      this.deps.db,
      visibilityScope(ctx),
      Object.keys(COLUMNS),
      `${from}-01`,
      `${to}-31`,
    );
    const rows = new Map<string, MonthlyReportRow>();
    for (const c of counts) {
      const k = `${c.month}|${c.group_id}`;
      let row = rows.get(k);
      if (!row) {
        row = {
          month: c.month,
          groupId: c.group_id,
          groupName: c.group_name,
          created: 0,
          renewed: 0,
          cancelled: 0,
          withdrawn: 0,
          ended: 0,
        };
        rows.set(k, row);
      }
      row[COLUMNS[c.type]!] += Number(c.n);
    }
    return { from, to, data: [...rows.values()] };
  }
}
