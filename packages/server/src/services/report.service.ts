import { addDuration, dayOf } from "../domain/dates.ts";
import { invalid } from "../domain/errors.ts";
import { countOutboxEventsByMonth } from "../store/outbox.store.ts";
import {
  countLicensesByMonthAndGroup,
  countLicensesByMonthAndProduct,
  listUpcomingSubscriptions,
} from "../store/report.store.ts";
import { listRunningSubscriptions, type NamedSubscriptionRow } from "../store/subscription.store.ts";
import type { Ctx, Deps } from "./context.ts";
import { requireAdmin, visibilityScope } from "./permissions.ts";

/** A subscription as a report lists it: its order, group, product, customer and dates. */
export interface SubscriptionReportFields {
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
  endDate: string;
  cancellationDeadline: string;
  customerCompany: string | null;
  customerName: string | null;
}

function subscriptionReportFields(r: NamedSubscriptionRow): SubscriptionReportFields {
  return {
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
    endDate: r.end_date,
    cancellationDeadline: r.deadline,
    customerCompany: r.customer_company,
    customerName: r.customer_name,
  };
}

/** One running subscription (active, or cancelled and not yet ended) in the billing report. */
export interface ActiveSubscriptionReportRow extends SubscriptionReportFields {
  term: number;
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

/** One line of a monthly chart: a product or a group, and its count in each month. */
export interface MonthlySeries {
  /** The product's code or the group's id. */
  key: string;
  label: string;
  /** One count per month of `LicensesPerMonth.months`, in the same order. */
  counts: number[];
}

/** Licenses created per month, split by product and by the group whose order created them. */
export interface LicensesPerMonth {
  /** The months counted, oldest first, `YYYY-MM`. */
  months: string[];
  byProduct: MonthlySeries[];
  byGroup: MonthlySeries[];
  total: number;
}

/** A running subscription that renews (active) or ends (cancelled) soon. */
export interface UpcomingRenewal extends SubscriptionReportFields {
  /** `renews` on the cancellation deadline (active), `ends` on the end date (cancelled). */
  next: "renews" | "ends";
  /** The day of `next`. */
  on: string;
}

/** `YYYY-MM` plus `n` months (negative: earlier). */
function shiftMonth(month: string, n: number): string {
  return addDuration(`${month}-01`, { years: 0, months: n, days: 0 }).slice(0, 7);
}

/** The months from `from` to `to`, both included. */
function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let m = from; m <= to; m = shiftMonth(m, 1)) months.push(m);
  return months;
}

/** Rows of (month, key, count) as one series per key, a count for every month. */
function toSeries(
  months: string[],
  rows: { month: string; key: string; label: string; n: number }[],
): MonthlySeries[] {
  const index = new Map(months.map((m, i) => [m, i]));
  const series = new Map<string, MonthlySeries>();
  for (const r of rows) {
    let s = series.get(r.key);
    if (!s) {
      s = { key: r.key, label: r.label, counts: months.map(() => 0) };
      series.set(r.key, s);
    }
    const i = index.get(r.month);
    if (i !== undefined) s.counts[i]! += Number(r.n);
  }
  return [...series.values()];
}

/**
 * Reports: the billing reports partners are billed from (admins see their group's subtree, ISV
 * admins everything; each row belongs to the group whose order created the subscription), and the
 * dashboard's figures, which every user reads within what it may see.
 */
export class ReportService {
  constructor(private readonly deps: Deps) {}

  /**
   * Licenses created per month, months `from`..`to` (`YYYY-MM`; default the twelve months up to
   * the clock's), per product and per group. Everyone may ask: each sees the licenses it may see
   * (ISV admins all, admins their subtree, other users their own group), counted in the query.
   */
  async licensesPerMonth(ctx: Ctx, q: { from?: string; to?: string } = {}): Promise<LicensesPerMonth> {
    const current = dayOf(this.deps.clock.now()).slice(0, 7);
    const to = q.to ?? current;
    const from = q.from ?? (MONTH.test(to) ? shiftMonth(to, -11) : to);
    const issues = [
      ...(MONTH.test(from) ? [] : [{ field: "from", message: `${from} must be a month, YYYY-MM` }]),
      ...(MONTH.test(to) ? [] : [{ field: "to", message: `${to} must be a month, YYYY-MM` }]),
    ];
    if (!issues.length && from > to) issues.push({ field: "from", message: `${from} is after to ${to}` });
    if (!issues.length && shiftMonth(from, 120) <= to)
      issues.push({ field: "from", message: "the range may span at most 120 months" });
    if (issues.length) throw invalid(issues);
    const months = monthsBetween(from, to);
    const start = `${from}-01`;
    const end = `${shiftMonth(to, 1)}-01`;
    const scope = visibilityScope(ctx);
    const [products, groups] = await Promise.all([
      countLicensesByMonthAndProduct(this.deps.db, scope, start, end),
      countLicensesByMonthAndGroup(this.deps.db, scope, start, end),
    ]);
    const byProduct = toSeries(
      months,
      products.map((r) => ({
        month: r.month,
        key: String(r.product_code),
        label: r.product_name ?? `Product ${r.product_code}`,
        n: r.n,
      })),
    );
    const byGroup = toSeries(
      months,
      groups.map((r) => ({ month: r.month, key: r.group_id, label: r.group_name ?? r.group_id, n: r.n })),
    );
    const total = byProduct.reduce((sum, s) => sum + s.counts.reduce((a, b) => a + b, 0), 0);
    return { months, byProduct, byGroup, total };
  }

  /**
   * The visible subscriptions that renew (active: their cancellation deadline) or end (cancelled:
   * their end date) within the next `days` days from the clock's day, soonest first.
   */
  async upcomingRenewals(ctx: Ctx, q: { days: number; limit: number }): Promise<UpcomingRenewal[]> {
    const today = dayOf(this.deps.clock.now());
    const until = addDuration(today, { years: 0, months: 0, days: q.days });
    const rows = await listUpcomingSubscriptions(this.deps.db, visibilityScope(ctx), today, until, q.limit);
    return rows.map((r) => ({
      ...subscriptionReportFields(r),
      next: r.status === "active" ? "renews" : "ends",
      on: r.due,
    }));
  }

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
        ...subscriptionReportFields(r),
        term: r.term,
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
