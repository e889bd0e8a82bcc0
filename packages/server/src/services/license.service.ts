import { type CategoryProductConfig, checkCategoryChanges } from "../domain/category-rules.ts";
import { AppError, ErrorCode, type FieldIssue, invalid, notFound } from "../domain/errors.ts";
import { bindValues, licenseTerms, type ParameterDefinition } from "../domain/parameters.ts";
import { findActivationsByLicenses } from "../store/activation.store.ts";
import { findCategoryProduct } from "../store/category.store.ts";
import type { Db } from "../store/db.ts";
import {
  countActiveLicensesOfOrder,
  deleteLicense,
  findLicenseById,
  type LicenseRow,
  listLicenses,
  lockLicenseById,
  updateLicense,
} from "../store/license.store.ts";
import { setOrderStatus } from "../store/order.store.ts";
import { findProductRevision } from "../store/product.store.ts";
import { recordAudit } from "./audit.service.ts";
import type { Ctx, Deps } from "./context.ts";
import { type Activation, type License, presentActivation, presentLicense } from "./license.view.ts";
import { groupInScope, requireRight, visibilityScope } from "./permissions.ts";

export interface LicenseQuery {
  product?: number;
  order?: string;
  status?: string;
  sort: "createdAt" | "-createdAt";
  cursor?: string;
  limit: number;
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
    const rows = await listLicenses(this.deps.db, {
      scope: visibilityScope(ctx),
      productCode: q.product,
      orderId: q.order,
      status: q.status,
      afterId: q.cursor,
      descending: q.sort === "-createdAt",
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    return {
      data: page.map(presentLicense),
      nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
    };
  }

  /**
   * Changes order-specific values within the product's rules (the revision the license was
   * created with). The version increases; devices get the new values on their next refresh.
   */
  async modify(ctx: Ctx, id: string, parameters: Record<string, unknown>): Promise<License> {
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      const row = await this.visible(ctx, trx, id);
      await requireRight(trx, ctx, row.category_id, "modify", "modify this license");
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
