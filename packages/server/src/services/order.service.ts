import { requestHash } from "../domain/canonical.ts";
import { applyCategoryRules, type CategoryProductConfig } from "../domain/category-rules.ts";
import { AppError, ErrorCode, type FieldIssue, invalid, notFound } from "../domain/errors.ts";
import { newId } from "../domain/ids.ts";
import { bindValues, licenseTerms, type ParameterDefinition } from "../domain/parameters.ts";
import { newTicket, normalizeTicket } from "../domain/ticket.ts";
import { findCategoryById, findCategoryProducts } from "../store/category.store.ts";
import { isUniqueViolation } from "../store/db.ts";
import {
  findLicensesByOrder,
  findLicensesByOrders,
  insertLicenses,
  type LicenseRow,
} from "../store/license.store.ts";
import {
  findOrderByExternalNumber,
  findOrderById,
  insertOrder,
  listOrders,
  type OrderRow,
} from "../store/order.store.ts";
import { findProductsByCodes } from "../store/product.store.ts";
import { recordAudit } from "./audit.service.ts";
import { type Ctx, type Deps, ROOT_GROUP_ID } from "./context.ts";
import { type Order, presentLicense, presentOrder } from "./license.view.ts";
import { groupInScope, requireRight, visibilityScope } from "./permissions.ts";

export interface OrderItemInput {
  /** Product code. */
  product: number;
  quantity?: number;
  parameters?: Record<string, unknown>;
}

export interface OrderInput {
  /** The category the order is created through; optional for ISV admins only. */
  category?: string;
  externalOrderNumber?: string;
  customer?: { name?: string; email?: string; company?: string };
  items: OrderItemInput[];
}

export interface OrderQuery {
  product?: number;
  category?: string;
  customer?: string;
  createdFrom?: string;
  createdTo?: string;
  status?: string;
  externalOrderNumber?: string;
  ticket?: string;
  sort: "createdAt" | "-createdAt";
  cursor?: string;
  limit: number;
}

const MAX_LICENSES_PER_ORDER = 1000;

export class OrderService {
  constructor(private readonly deps: Deps) {}

  /**
   * Creates an order, its ticket and its licenses in one transaction. With an external order
   * number that exists already, the same request returns the existing order (`created: false`)
   * and a different one is a conflict.
   */
  async create(ctx: Ctx, input: OrderInput): Promise<{ order: Order; created: boolean }> {
    const hash = requestHash(input);
    try {
      return await this.createOnce(ctx, input, hash);
    } catch (e) {
      // Two requests with one external order number raced: the loser answers like a replay.
      if (input.externalOrderNumber && isUniqueViolation(e)) {
        const existing = await this.replay(input.externalOrderNumber, hash);
        if (existing) return { order: existing, created: false };
      }
      throw e;
    }
  }

  private async createOnce(
    ctx: Ctx,
    input: OrderInput,
    hash: string,
  ): Promise<{ order: Order; created: boolean }> {
    const now = this.deps.clock.now();
    const iso = now.toISOString();
    const codes = [...new Set(input.items.map((i) => i.product))];
    return this.deps.db.transaction().execute(async (trx) => {
      if (input.externalOrderNumber) {
        const existing = await this.replay(input.externalOrderNumber, hash, trx);
        if (existing) return { order: existing, created: false };
      }
      const categoryId = input.category ?? null;
      await requireRight(trx, ctx, categoryId, "create", "create orders");
      if (categoryId !== null && !(await findCategoryById(trx, categoryId)))
        throw invalid([{ field: "category", message: `category ${categoryId} does not exist` }]);
      const products = new Map((await findProductsByCodes(trx, codes)).map((p) => [Number(p.code), p]));
      const configs =
        categoryId === null
          ? null
          : new Map(
              (await findCategoryProducts(trx, categoryId)).map((c) => [
                Number(c.code),
                JSON.parse(c.config) as CategoryProductConfig,
              ]),
            );
      const issues: FieldIssue[] = [];
      const orderId = newId(now.getTime());
      const groupId = ctx.actor.groupId ?? ROOT_GROUP_ID;
      const licenses: LicenseRow[] = [];
      let total = 0;
      input.items.forEach((item, i) => {
        const product = products.get(item.product);
        if (!product) {
          issues.push({ field: `items.${i}.product`, message: `product ${item.product} does not exist` });
          return;
        }
        if (product.status !== "active") {
          issues.push({
            field: `items.${i}.product`,
            message: `product ${item.product} is archived and takes no new orders`,
          });
          return;
        }
        const config = configs?.get(item.product);
        if (configs && !config) {
          issues.push({
            field: `items.${i}.product`,
            message: `product ${item.product} is not in this category`,
          });
          return;
        }
        const quantity = item.quantity ?? 1;
        total += quantity;
        const defs = JSON.parse(product.parameters) as ParameterDefinition[];
        const path = `items.${i}.parameters`;
        const supplied = config
          ? applyCategoryRules(defs, config, item.parameters ?? {}, now, path, issues)
          : (item.parameters ?? {});
        const bound = bindValues(defs, ["order", "static"], supplied, now, path, issues);
        const terms = licenseTerms(bound.values);
        const rules = JSON.stringify(
          Object.fromEntries(
            Object.entries(bound.rules).filter(([k]) => defs.find((d) => d.key === k)?.binding === "order"),
          ),
        );
        const values = JSON.stringify(bound.values);
        for (let q = 0; q < quantity; q++) {
          licenses.push({
            id: newId(now.getTime()),
            order_id: orderId,
            product_id: product.id,
            product_code: Number(product.code),
            product_name: product.name,
            product_revision: product.revision,
            status: "active",
            version: 1,
            rules,
            values,
            seats: terms.seats,
            active_seats: 0,
            expires_at: terms.expiresAt,
            maintenance_until: terms.maintenanceUntil,
            category_id: categoryId,
            group_id: groupId,
            first_activated_at: null,
            created_at: iso,
            updated_at: iso,
          });
        }
      });
      if (total > MAX_LICENSES_PER_ORDER)
        issues.push({
          field: "items",
          message: `the order asks for ${total} licenses; at most ${MAX_LICENSES_PER_ORDER} per order`,
        });
      if (issues.length) throw invalid(issues);

      const c = input.customer ?? {};
      const order: OrderRow = {
        id: orderId,
        ticket: normalizeTicket(newTicket())!,
        external_order_number: input.externalOrderNumber ?? null,
        customer_name: c.name ?? null,
        customer_email: c.email ?? null,
        customer_company: c.company ?? null,
        customer_search: [c.name, c.email, c.company].filter(Boolean).join(" ").toLowerCase(),
        category_id: categoryId,
        group_id: groupId,
        created_by: ctx.actor.userId,
        status: "active",
        request_hash: hash,
        created_at: iso,
      };
      await insertOrder(trx, order);
      await insertLicenses(trx, licenses);
      const view = presentOrder(order, licenses);
      const { ticket: _ticket, ...auditView } = view;
      await recordAudit(trx, ctx, now, [
        {
          action: "order.created",
          entityType: "order",
          entityId: orderId,
          groupId,
          after: { ...auditView, licenses: undefined },
        },
        ...licenses.map((l) => ({
          action: "license.created",
          entityType: "license",
          entityId: l.id,
          groupId,
          after: presentLicense(l),
        })),
      ]);
      return { order: view, created: true };
    });
  }

  private async replay(externalOrderNumber: string, hash: string, db = this.deps.db): Promise<Order | null> {
    const existing = await findOrderByExternalNumber(db, externalOrderNumber);
    if (!existing) return null;
    if (existing.request_hash !== hash)
      throw new AppError(
        ErrorCode.ORDER_CONFLICT,
        `externalOrderNumber: order ${externalOrderNumber} exists with different contents; resend the original request or use a new number`,
        { field: "externalOrderNumber", orderId: existing.id },
      );
    return presentOrder(existing, await findLicensesByOrder(db, existing.id));
  }

  async get(ctx: Ctx, id: string): Promise<Order> {
    const o = await findOrderById(this.deps.db, id);
    if (!o || !(await groupInScope(this.deps.db, visibilityScope(ctx), o.group_id)))
      throw notFound("order", id);
    return presentOrder(o, await findLicensesByOrder(this.deps.db, id));
  }

  async list(ctx: Ctx, q: OrderQuery): Promise<{ data: Order[]; nextCursor: string | null }> {
    let ticket: string | undefined;
    if (q.ticket !== undefined) {
      const t = normalizeTicket(q.ticket);
      if (!t)
        throw invalid([
          { field: "ticket", message: "must be 25 characters of Crockford base32 (dashes optional)" },
        ]);
      ticket = t;
    }
    const rows = await listOrders(this.deps.db, {
      scope: visibilityScope(ctx),
      productCode: q.product,
      categoryId: q.category,
      customer: q.customer,
      createdFrom: q.createdFrom,
      createdTo: q.createdTo,
      status: q.status,
      externalOrderNumber: q.externalOrderNumber,
      ticket,
      afterId: q.cursor,
      descending: q.sort === "-createdAt",
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const licenses = await findLicensesByOrders(
      this.deps.db,
      page.map((o) => o.id),
    );
    const byOrder = new Map<string, LicenseRow[]>();
    for (const l of licenses) byOrder.set(l.order_id, [...(byOrder.get(l.order_id) ?? []), l]);
    return {
      data: page.map((o) => presentOrder(o, byOrder.get(o.id) ?? [])),
      nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
    };
  }
}
