import { requestHash } from "../domain/canonical.ts";
import { applyCategoryRules, type CategoryProductConfig } from "../domain/category-rules.ts";
import { checkOrderDataFields, type DataFieldValue } from "../domain/data-fields.ts";
import { AppError, ErrorCode, type FieldIssue, invalid, notFound } from "../domain/errors.ts";
import { newId } from "../domain/ids.ts";
import { bindValues, licenseTerms, type ParameterDefinition } from "../domain/parameters.ts";
import { newTicket, normalizeTicket } from "../domain/ticket.ts";
import { findCategoryById, findCategoryProducts } from "../store/category.store.ts";
import {
  findOrderFieldValues,
  findOrderIdByUniqueValue,
  insertOrderFieldValues,
  listDataFields,
} from "../store/data-field.store.ts";
import { type Db, isUniqueViolation } from "../store/db.ts";
import { findLicensesByOrders, insertLicenses, type LicenseRow } from "../store/license.store.ts";
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
import { type DataField, toDefinition } from "./data-field.service.ts";
import { type Order, presentLicense, presentOrder } from "./license.view.ts";
import { groupInScope, requireRight, visibilityScope } from "./permissions.ts";
import { type NewSubscription, openSubscriptions } from "./subscription.service.ts";

export interface OrderItemInput {
  /** Product code. */
  product: number;
  quantity?: number;
  parameters?: Record<string, unknown>;
}

export interface OrderInput {
  /** Values of the vendor's data fields, by key. */
  dataFields?: Record<string, unknown>;
  /** The category the order is created through; optional for ISV admins only. */
  category?: string;
  externalOrderNumber?: string;
  customer?: { name?: string; email?: string; company?: string };
  items: OrderItemInput[];
}

export interface OrderQuery {
  /** `key=value` filters on data fields. */
  dataField?: string[];
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
      // Two requests with one idempotency value raced: the loser answers like a replay.
      if (isUniqueViolation(e)) {
        const existing = await this.replay(ctx, input, hash, this.deps.db);
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
      const existing = await this.replay(ctx, input, hash, trx);
      if (existing) return { order: existing, created: false };
      const categoryId = input.category ?? null;
      await requireRight(trx, ctx, categoryId, "create", "create orders");
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
      // A category with products exists; only an empty result needs the existence check.
      if (categoryId !== null && configs?.size === 0 && !(await findCategoryById(trx, categoryId)))
        throw invalid([{ field: "category", message: `category ${categoryId} does not exist` }]);
      const issues: FieldIssue[] = [];
      const orderId = newId(now.getTime());
      const groupId = ctx.actor.groupId ?? ROOT_GROUP_ID;
      const licenses: LicenseRow[] = [];
      // Licenses of products the category sells as subscriptions (DESIGN §2.6).
      const subscribed: NewSubscription[] = [];
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
          const license: LicenseRow = {
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
          };
          licenses.push(license);
          if (config?.subscription) subscribed.push({ license, config: config.subscription });
        }
      });
      if (total > MAX_LICENSES_PER_ORDER)
        issues.push({
          field: "items",
          message: `the order asks for ${total} licenses; at most ${MAX_LICENSES_PER_ORDER} per order`,
        });
      const fields = await this.dataFields(trx);
      const dataFields = checkOrderDataFields(fields, categoryId, input.dataFields ?? {}, issues);
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
      await openSubscriptions(trx, ctx, now, order, subscribed);
      await insertOrderFieldValues(
        trx,
        fields
          .filter((f) => dataFields[f.key] !== undefined)
          .map((f) => ({
            order_id: orderId,
            field_id: f.id,
            value: JSON.stringify(dataFields[f.key]),
            unique_value: f.unique ? String(dataFields[f.key]) : null,
          })),
      );
      const view = presentOrder(order, licenses, dataFields);
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

  /**
   * The existing order a repeated request refers to, through its external order number or a
   * unique data field value: the same request replays it, a different one is a conflict. An
   * order the caller cannot see is never shown, only reported as taken.
   */
  private async replay(ctx: Ctx, input: OrderInput, hash: string, db: Db): Promise<Order | null> {
    let existing: OrderRow | undefined;
    let field = "externalOrderNumber";
    if (input.externalOrderNumber) existing = await findOrderByExternalNumber(db, input.externalOrderNumber);
    if (!existing && input.dataFields) {
      for (const f of await this.dataFields(db)) {
        const v = input.dataFields[f.key];
        if (!f.unique || v === undefined || v === null) continue;
        const orderId = await findOrderIdByUniqueValue(db, f.id, String(v));
        if (orderId) {
          existing = await findOrderById(db, orderId);
          field = `dataFields.${f.key}`;
          break;
        }
      }
    }
    if (!existing) return null;
    const visible = await groupInScope(db, visibilityScope(ctx), existing.group_id);
    if (existing.request_hash !== hash || !visible)
      throw new AppError(
        field === "externalOrderNumber" ? ErrorCode.ORDER_CONFLICT : ErrorCode.DATA_FIELD_TAKEN,
        `${field}: an order with this value exists${visible ? " with different contents; resend the original request or use a new value" : ""}`,
        { field, ...(visible ? { orderId: existing.id } : {}) },
      );
    return this.present(db, [existing]).then((o) => o[0]!);
  }

  private async dataFields(db: Db): Promise<DataField[]> {
    return (await listDataFields(db)).map(toDefinition);
  }

  /** Orders with their licenses and data field values, in two queries per page. */
  private async present(db: Db, orders: OrderRow[]): Promise<Order[]> {
    const ids = orders.map((o) => o.id);
    const licenses = await findLicensesByOrders(db, ids);
    const byOrder = new Map<string, LicenseRow[]>();
    for (const l of licenses) byOrder.set(l.order_id, [...(byOrder.get(l.order_id) ?? []), l]);
    const values = await findOrderFieldValues(db, ids);
    const keys = values.length
      ? new Map((await listDataFields(db)).map((f) => [f.id, f.key]))
      : new Map<string, string>();
    const fieldsByOrder = new Map<string, Record<string, DataFieldValue>>();
    for (const v of values) {
      const m = fieldsByOrder.get(v.order_id) ?? {};
      m[keys.get(v.field_id) ?? v.field_id] = JSON.parse(v.value);
      fieldsByOrder.set(v.order_id, m);
    }
    return orders.map((o) => presentOrder(o, byOrder.get(o.id) ?? [], fieldsByOrder.get(o.id) ?? {}));
  }

  async get(ctx: Ctx, id: string): Promise<Order> {
    const o = await findOrderById(this.deps.db, id);
    if (!o || !(await groupInScope(this.deps.db, visibilityScope(ctx), o.group_id)))
      throw notFound("order", id);
    return (await this.present(this.deps.db, [o]))[0]!;
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
    const dataFieldFilters = await this.dataFieldFilters(q.dataField ?? []);
    const rows = await listOrders(this.deps.db, {
      dataFields: dataFieldFilters,
      scope: visibilityScope(ctx),
      productCode: q.product,
      categoryId: q.category,
      customer: q.customer,
      createdFrom: utc(q.createdFrom),
      createdTo: utc(q.createdTo),
      status: q.status,
      externalOrderNumber: q.externalOrderNumber,
      ticket,
      afterId: q.cursor,
      descending: q.sort === "-createdAt",
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    return {
      data: await this.present(this.deps.db, page),
      nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
    };
  }

  /** `key=value` filters into field ids and stored (JSON) values, typed by the field. */
  private async dataFieldFilters(filters: string[]): Promise<{ fieldId: string; value: string }[]> {
    if (!filters.length) return [];
    const fields = new Map((await this.dataFields(this.deps.db)).map((f) => [f.key, f]));
    return filters.map((f, i) => {
      const eq = f.indexOf("=");
      const field = fields.get(f.slice(0, eq));
      if (eq < 1 || !field)
        throw invalid([
          { field: `dataField.${i}`, message: `"${f}" must be key=value with a configured data field key` },
        ]);
      const raw = f.slice(eq + 1);
      const value = field.type === "number" ? Number(raw) : raw;
      if (field.type === "number" && !Number.isFinite(value))
        throw invalid([{ field: `dataField.${i}`, message: `${field.key} is a number field` }]);
      return { fieldId: field.id, value: JSON.stringify(value) };
    });
  }
}

/** Timestamps are stored as UTC ISO text; a bound given with another offset is converted first. */
export function utc(instant: string | undefined): string | undefined {
  return instant === undefined ? undefined : new Date(instant).toISOString();
}
