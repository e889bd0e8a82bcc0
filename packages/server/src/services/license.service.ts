import {
  type CategoryProductConfig,
  checkCategoryChanges,
  type FlexibleRule,
  type InputKind,
  inputOf,
  optionsOf,
} from "../domain/category-rules.ts";
import { addDuration, dayOf, isDuration, parseDuration, resolveDate } from "../domain/dates.ts";
import { AppError, ErrorCode, type FieldIssue, invalid, notFound } from "../domain/errors.ts";
import { type LicenseState, licenseState } from "../domain/license-state.ts";
import {
  bindValues,
  licenseTerms,
  type ParameterDefinition,
  type ParameterValue,
} from "../domain/parameters.ts";
import { drivenParameter } from "../domain/subscriptions.ts";
import { findActivationsByLicenses } from "../store/activation.store.ts";
import { listAuditEvents } from "../store/audit.store.ts";
import { findCategoryProduct } from "../store/category.store.ts";
import type { Db } from "../store/db.ts";
import {
  countActiveLicensesOfOrder,
  deleteLicense,
  findLicenseById,
  type LicenseListRow,
  type LicenseRow,
  listLicenses,
  lockLicenseById,
  updateLicense,
} from "../store/license.store.ts";
import { setOrderStatus } from "../store/order.store.ts";
import { findProductRevision } from "../store/product.store.ts";
import { type HistoryEvent, presentHistoryEvent, recordAudit } from "./audit.service.ts";
import type { Ctx, Deps } from "./context.ts";
import {
  type Activation,
  type Customer,
  type License,
  presentActivation,
  presentLicense,
} from "./license.view.ts";
import { groupInScope, requireRight, visibilityScope } from "./permissions.ts";

export interface LicenseQuery {
  product?: number;
  order?: string;
  /** The stored status, `active` or `revoked`. */
  status?: string;
  /** What the license allows today: `active`, `expired` (past its expiry day) or `revoked`. */
  state?: LicenseState;
  category?: string;
  /** Part of the order's customer name, email or company. */
  customer?: string;
  /** Created at or after this instant (ISO 8601). */
  createdFrom?: string;
  /** Created before this instant (ISO 8601). */
  createdTo?: string;
  sort: "createdAt" | "-createdAt";
  cursor?: string;
  limit: number;
}

/** A license as lists show it: with what it allows today and its order's customer. */
export interface LicenseSummary extends License {
  state: LicenseState;
  customer: Customer | null;
  externalOrderNumber: string | null;
}

/** A license with its activations and what it allows today. */
export interface LicenseDetail extends License {
  state: LicenseState;
  activations: Activation[];
  /** The UTC day `state` holds for. */
  today: string;
}

/** How one order-specific parameter of a license may be modified. */
export interface ModifiableParameter {
  definition: ParameterDefinition;
  /**
   * `free`: any value the product allows (a license created without a category);
   * `flexible`: within the category's bounds; `fixed`: the category's value, shown read-only;
   * `subscription`: follows the license's subscription and changes only by renewal;
   * `default`: not configurable in the category, it keeps the product's default;
   * `static`: the same for every license of the product.
   */
  mode: "free" | "flexible" | "fixed" | "subscription" | "default" | "static";
  /** The control that captures it: a features parameter is a set of choices, a boolean a yes/no. */
  input: InputKind | "features" | "boolean";
  /** The values a select (or the features a features control) offers, with what each means. */
  options: { value: ParameterValue | null; label: string }[];
  /** The bounds of a number. */
  min?: number;
  max?: number;
  integer?: boolean;
  /** The bounds of a text. */
  maxLength?: number;
  pattern?: string;
  /** The first and last day a date may take. */
  minDate?: string;
  maxDate?: string;
  /** The value as requested: a relative date stays relative. */
  requested: ParameterValue | null;
  /** The value in effect: dates resolved. */
  value: ParameterValue | null;
}

/** One event of a license's history, with who acted in words. */
export type LicenseHistoryEvent = HistoryEvent;

/** The most events a license's history shows (the newest). */
const HISTORY_LIMIT = 500;

function presentSummary(row: LicenseListRow, today: string): LicenseSummary {
  const hasCustomer =
    row.customer_name !== null || row.customer_email !== null || row.customer_company !== null;
  return {
    ...presentLicense(row),
    state: licenseState(row, today),
    customer: hasCustomer
      ? { name: row.customer_name, email: row.customer_email, company: row.customer_company }
      : null,
    externalOrderNumber: row.external_order_number,
  };
}

export class LicenseService {
  constructor(private readonly deps: Deps) {}

  /** A license the caller can see, with its activations. */
  async get(ctx: Ctx, id: string): Promise<License & { activations: Activation[] }> {
    const row = await this.visible(ctx, this.deps.db, id);
    const activations = await findActivationsByLicenses(this.deps.db, [id]);
    return { ...presentLicense(row), activations: activations.map(presentActivation) };
  }

  async list(ctx: Ctx, q: LicenseQuery): Promise<{ data: License[]; nextCursor: string | null }> {
    const { rows, nextCursor } = await this.page(ctx, q);
    return { data: rows.map(presentLicense), nextCursor };
  }

  /** The licenses the caller can see, as lists show them: with state and customer. */
  async summaries(ctx: Ctx, q: LicenseQuery): Promise<{ data: LicenseSummary[]; nextCursor: string | null }> {
    const today = dayOf(this.deps.clock.now());
    const { rows, nextCursor } = await this.page(ctx, q);
    return { data: rows.map((r) => presentSummary(r, today)), nextCursor };
  }

  private async page(
    ctx: Ctx,
    q: LicenseQuery,
  ): Promise<{ rows: LicenseListRow[]; nextCursor: string | null }> {
    const today = dayOf(this.deps.clock.now());
    const rows = await listLicenses(this.deps.db, {
      scope: visibilityScope(ctx),
      productCode: q.product,
      orderId: q.order,
      status: q.status,
      state: q.state ? { state: q.state, today } : undefined,
      categoryId: q.category,
      customer: q.customer,
      createdFrom: q.createdFrom === undefined ? undefined : new Date(q.createdFrom).toISOString(),
      createdTo: q.createdTo === undefined ? undefined : new Date(q.createdTo).toISOString(),
      afterId: q.cursor,
      descending: q.sort === "-createdAt",
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    return { rows: page, nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null };
  }

  /** A license the caller can see, with its activations and what it allows today. */
  async detail(ctx: Ctx, id: string): Promise<LicenseDetail> {
    const row = await this.visible(ctx, this.deps.db, id);
    const today = dayOf(this.deps.clock.now());
    const activations = await findActivationsByLicenses(this.deps.db, [id]);
    return {
      ...presentLicense(row),
      state: licenseState(row, today),
      activations: activations.map(presentActivation),
      today,
    };
  }

  /**
   * The order-specific and static parameters of a visible license (from the product revision it
   * was created with) and how each may be modified: the same rules `modify` checks, for building a form.
   */
  async modifiable(ctx: Ctx, id: string): Promise<ModifiableParameter[]> {
    const db = this.deps.db;
    const row = await this.visible(ctx, db, id);
    const revision = await findProductRevision(db, row.product_id, row.product_revision);
    const defs = JSON.parse(revision!.parameters) as ParameterDefinition[];
    const cp =
      row.category_id === null ? undefined : await findCategoryProduct(db, row.category_id, row.product_id);
    const config = cp ? (JSON.parse(cp.config) as CategoryProductConfig) : null;
    const driven = config?.subscription ? drivenParameter(config.subscription.type) : null;
    const created = new Date(row.created_at);
    const rules = JSON.parse(row.rules) as Record<string, ParameterValue | null>;
    const values = JSON.parse(row.values) as Record<string, ParameterValue | null>;
    const day = (relative: string | undefined) =>
      relative && isDuration(relative) ? addDuration(dayOf(created), parseDuration(relative)!) : undefined;
    const label = (d: ParameterDefinition, v: ParameterValue | null): string => {
      if (v === null) return "None";
      if (d.type === "boolean") return v ? "Yes" : "No";
      if (d.type === "date" && typeof v === "string" && isDuration(v))
        return `${v} (${resolveDate(v, created)})`;
      return Array.isArray(v) ? v.join(", ") : String(v);
    };
    return defs
      .filter((d) => d.binding !== "activation")
      .map((d): ModifiableParameter => {
        const rule = config?.parameters[d.key];
        const mode: ModifiableParameter["mode"] =
          d.binding === "static"
            ? "static"
            : row.category_id === null
              ? "free"
              : d.key === driven
                ? "subscription"
                : !rule
                  ? "default"
                  : rule.mode;
        const flexible = rule?.mode === "flexible" ? (rule as FlexibleRule) : undefined;
        const input: ModifiableParameter["input"] =
          d.type === "features"
            ? "features"
            : flexible
              ? inputOf(d, flexible)
              : d.type === "boolean"
                ? "boolean"
                : d.type === "select"
                  ? "select"
                  : (d.type as InputKind);
        const offered = flexible
          ? optionsOf(d, flexible)
          : d.type === "features"
            ? (d.features ?? [])
            : d.type === "select"
              ? (d.options ?? [])
              : d.type === "boolean"
                ? [true, false]
                : [];
        const tighter = (
          a: number | undefined,
          b: number | undefined,
          pick: (x: number, y: number) => number,
        ) => (a === undefined ? b : b === undefined ? a : pick(a, b));
        return {
          definition: d,
          mode,
          input,
          options: offered.map((o) => ({ value: o, label: label(d, o) })),
          min: tighter(d.min, flexible?.min, Math.max),
          max: tighter(d.max, flexible?.max, Math.min),
          integer: d.type === "number" ? (d.integer ?? d.key === "seats") : undefined,
          maxLength: tighter(d.maxLength, flexible?.maxLength, Math.min),
          pattern: flexible?.pattern ?? d.pattern,
          minDate: day(flexible?.minRelative),
          maxDate: day(flexible?.maxRelative),
          requested: rules[d.key] ?? values[d.key] ?? null,
          value: values[d.key] ?? null,
        };
      });
  }

  /**
   * The audit events of a visible license, newest first: its own, its activations' and its
   * subscription's (renewals, cancellations), each with who acted in words.
   */
  async history(ctx: Ctx, id: string): Promise<LicenseHistoryEvent[]> {
    const db = this.deps.db;
    const row = await this.visible(ctx, db, id);
    const rows = await listAuditEvents(db, {
      scope: visibilityScope(ctx),
      licenseId: row.id,
      newestFirst: true,
      limit: HISTORY_LIMIT,
    });
    return rows.map(presentHistoryEvent);
  }

  /**
   * Changes order-specific values within the product's rules (the revision the license was
   * created with). The version increases; devices get the new values on their next refresh.
   */
  async modify(
    ctx: Ctx,
    id: string,
    parameters: Record<string, unknown>,
    expectedVersion?: number,
  ): Promise<License> {
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      const row = await this.visible(ctx, trx, id);
      await requireRight(trx, ctx, row.category_id, "modify", "modify this license");
      if (expectedVersion !== undefined && row.version !== expectedVersion)
        throw new AppError(
          ErrorCode.LICENSE_CHANGED,
          `version: license ${id} is at version ${row.version}, not ${expectedVersion}: it changed since it was read; read it again and resend the change`,
          { field: "version", version: row.version },
        );
      if (row.status === "revoked")
        throw new AppError(ErrorCode.LICENSE_REVOKED, `license ${id} is revoked and cannot be modified`);
      const revision = await findProductRevision(trx, row.product_id, row.product_revision);
      const defs = JSON.parse(revision!.parameters) as ParameterDefinition[];
      const issues: FieldIssue[] = [];
      if (row.category_id !== null) {
        const cp = await findCategoryProduct(trx, row.category_id, row.product_id);
        const config = cp ? (JSON.parse(cp.config) as CategoryProductConfig) : null;
        checkCategoryChanges(defs, config, parameters, new Date(row.created_at), "parameters", issues);
      }
      const rules = { ...JSON.parse(row.rules), ...parameters };
      const bound = bindValues(
        defs,
        ["order", "static"],
        rules,
        new Date(row.created_at),
        "parameters",
        issues,
      );
      if (issues.length) throw invalid(issues);
      const terms = licenseTerms(bound.values);
      if (terms.seats < row.active_seats)
        throw invalid([
          {
            field: "parameters.seats",
            message: `${terms.seats} is below the ${row.active_seats} devices activated now; return activations first`,
          },
        ]);
      const next: LicenseRow = {
        ...row,
        rules: JSON.stringify(
          Object.fromEntries(
            Object.entries(bound.rules).filter(([k]) => defs.find((d) => d.key === k)?.binding === "order"),
          ),
        ),
        values: JSON.stringify(bound.values),
        seats: terms.seats,
        expires_at: terms.expiresAt,
        maintenance_until: terms.maintenanceUntil,
        version: row.version + 1,
        updated_at: now.toISOString(),
      };
      await updateLicense(trx, id, next);
      const after = presentLicense(next);
      await recordAudit(trx, ctx, now, [
        {
          action: "license.modified",
          entityType: "license",
          entityId: id,
          groupId: row.group_id,
          before: presentLicense(row),
          after,
        },
      ]);
      return after;
    });
  }

  /** Terminal: activations stop validating and files stop refreshing. Revoking twice changes nothing. */
  async revoke(ctx: Ctx, id: string): Promise<License> {
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      const row = await this.visible(ctx, trx, id);
      await requireRight(trx, ctx, row.category_id, "revoke", "revoke this license");
      if (row.status === "revoked") return presentLicense(row);
      const next = { ...row, status: "revoked", updated_at: now.toISOString() };
      await updateLicense(trx, id, { status: next.status, updated_at: next.updated_at });
      await this.closeOrderIfDone(trx, row.order_id);
      await recordAudit(trx, ctx, now, [
        {
          action: "license.revoked",
          entityType: "license",
          entityId: id,
          groupId: row.group_id,
          before: presentLicense(row),
          after: presentLicense(next),
        },
      ]);
      return presentLicense(next);
    });
  }

  /** Only a license that was never activated can be deleted; otherwise revoke it. */
  async delete(ctx: Ctx, id: string): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await this.visible(ctx, trx, id);
      await requireRight(trx, ctx, row.category_id, "delete", "delete this license");
      if (row.first_activated_at !== null)
        throw new AppError(
          ErrorCode.LICENSE_ACTIVATED,
          `license ${id} has been activated and cannot be deleted; revoke it instead`,
        );
      await deleteLicense(trx, id);
      await this.closeOrderIfDone(trx, row.order_id);
      await recordAudit(trx, ctx, now, [
        {
          action: "license.deleted",
          entityType: "license",
          entityId: id,
          groupId: row.group_id,
          before: presentLicense(row),
        },
      ]);
    });
  }

  private async closeOrderIfDone(trx: Db, orderId: string): Promise<void> {
    if ((await countActiveLicensesOfOrder(trx, orderId)) === 0) await setOrderStatus(trx, orderId, "closed");
  }

  private async visible(ctx: Ctx, db: Db, id: string, lock = db !== this.deps.db): Promise<LicenseRow> {
    const row = await (lock ? lockLicenseById(db, id) : findLicenseById(db, id));
    if (!row || !(await groupInScope(db, visibilityScope(ctx), row.group_id))) throw notFound("license", id);
    return row;
  }
}
