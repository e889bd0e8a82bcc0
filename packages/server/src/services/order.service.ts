import { requestHash } from "../domain/canonical.ts";
import {
  applyCategoryRules,
  type CategoryProductConfig,
  type FlexibleRule,
  inputOf,
  optionsOf,
} from "../domain/category-rules.ts";
import { appliesTo, checkOrderDataFields, type DataFieldValue } from "../domain/data-fields.ts";
import { addDuration, dayOf, parseDuration, resolveDate } from "../domain/dates.ts";
import { AppError, ErrorCode, type FieldIssue, invalid, notFound } from "../domain/errors.ts";
import { newId } from "../domain/ids.ts";
import { type LicenseState, licenseState } from "../domain/license-state.ts";
import {
  bindValues,
  licenseTerms,
  type ParameterDefinition,
  type ParameterType,
  type ParameterValue,
} from "../domain/parameters.ts";
import { alignEnd, resolveFirstTerm, type SubscriptionConfig } from "../domain/subscriptions.ts";
import { newTicket, normalizeTicket } from "../domain/ticket.ts";
import { findActivationsByLicenses } from "../store/activation.store.ts";
import { listAuditEvents } from "../store/audit.store.ts";
import { findCategoryById, findCategoryProducts, listCategories } from "../store/category.store.ts";
import {
  findOrderFieldValues,
  findOrderIdByUniqueValue,
  insertOrderFieldValues,
  listDataFields,
} from "../store/data-field.store.ts";
import { type Db, isUniqueViolation } from "../store/db.ts";
import { findGrantsOfUser } from "../store/grant.store.ts";
import { findGroupById } from "../store/group.store.ts";
import { findLicensesByOrders, insertLicenses, type LicenseRow } from "../store/license.store.ts";
import {
  findOrderByExternalNumber,
  findOrderById,
  insertOrder,
  listOrders,
  type OrderRow,
} from "../store/order.store.ts";
import { findProductsByCodes, listProducts, type ProductRow } from "../store/product.store.ts";
import { findUserById } from "../store/user.store.ts";
import { type HistoryEvent, presentHistoryEvent, recordAudit } from "./audit.service.ts";
import { type Ctx, type Deps, ROOT_GROUP_ID } from "./context.ts";
import { type DataField, toDefinition } from "./data-field.service.ts";
import {
  type Activation,
  type License,
  type Order,
  presentActivation,
  presentLicense,
  presentOrder,
} from "./license.view.ts";
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

/** A category the caller may create orders in: the first step of the order form. */
export interface OrderableCategory {
  id: string;
  name: string;
  /** How many products the category sells (archived ones left out). */
  products: number;
}

/** One choice of a select: the value as the service takes it, and how to show it. */
export interface FormOption {
  value: ParameterValue | null;
  label: string;
}

/**
 * How the order form shows one order-specific parameter of a product: `fixed` by the category
 * (read-only), `default` (not configurable in the category: the product's default, read-only),
 * or `flexible`: captured with an input and its bounds, computed at the form's creation.
 */
export type FormParameter =
  | {
      mode: "fixed" | "default";
      key: string;
      label: string;
      type: ParameterType;
      /** The value as configured (dates possibly relative, e.g. `P30D`). */
      value: ParameterValue | null;
      /** The value an order created now gets (relative dates resolved). */
      resolved: ParameterValue | null;
    }
  | {
      mode: "flexible";
      key: string;
      label: string;
      type: ParameterType;
      /** `features`: a set of check boxes; the others one control. */
      input: "text" | "number" | "date" | "select" | "features";
      /** Shown when the form opens; an empty control takes the product's default. */
      default: ParameterValue | null;
      /** The product's default breaks the category's bounds: a value must be chosen. */
      required?: boolean;
      maxLength?: number;
      pattern?: string;
      min?: number;
      max?: number;
      integer?: boolean;
      options?: FormOption[];
      /** date: the earliest and latest allowed day (`YYYY-MM-DD`). */
      minDate?: string;
      maxDate?: string;
      /** The bounds as the category states them, e.g. `P1D` .. `P30D`. */
      minRelative?: string;
      maxRelative?: string;
      /** A subscription's first end date: moved to the end of this period. */
      alignTo?: string;
    };

/** A product as the order form offers it in one category. */
export interface FormProduct {
  code: number;
  name: string;
  description: string;
  parameters: FormParameter[];
}

/** What the order form of one category (or of none, for ISV admins) is built from. */
export interface OrderForm {
  category: { id: string; name: string } | null;
  /** The day the bounds were computed for (UTC). */
  today: string;
  products: FormProduct[];
  dataFields: DataField[];
}

/** One event of an order's history, with who acted in words. */
export type OrderHistoryEvent = HistoryEvent;

/** An order with everything its detail page shows. */
export interface OrderDetail {
  order: Order;
  category: { id: string; name: string } | null;
  group: { id: string; name: string } | null;
  createdBy: { id: string; name: string; email: string } | null;
  /** The order's data field values with their labels, in the vendor's order. */
  dataFields: { key: string; label: string; value: string | number }[];
  licenses: (License & { state: LicenseState; activations: Activation[] })[];
  /** The audit events of the order, its licenses, activations and subscriptions, newest first. */
  history: OrderHistoryEvent[];
  /** True when the order has more events than `history` holds (it holds the newest). */
  historyTruncated: boolean;
}

const MAX_HISTORY = 500;

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
      const categoryId = input.category ?? null;
      // The right comes first: a caller who may not create learns nothing, not even that an
      // external order number or a unique data field value is taken.
      await requireRight(trx, ctx, categoryId, "create", "create orders");
      const existing = await this.replay(ctx, input, hash, trx);
      if (existing) return { order: existing, created: false };
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

  /** The categories the caller may create orders in (ISV admins: all), by name. */
  async orderableCategories(ctx: Ctx): Promise<OrderableCategory[]> {
    const db = this.deps.db;
    let ids: string[] | undefined;
    if (!ctx.actor.isIsvAdmin) {
      const grants = ctx.actor.userId ? await findGrantsOfUser(db, ctx.actor.userId) : [];
      ids = [...new Set(grants.filter((g) => g.right === "create").map((g) => g.category_id))];
      if (!ids.length) return [];
    }
    const rows = await listCategories(db, ids);
    const out: OrderableCategory[] = [];
    for (const r of rows) {
      const products = await this.sellable(db, r.id);
      out.push({ id: r.id, name: r.name, products: products.length });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Whether the caller may create orders without a category (DESIGN §2.4: ISV admins only). */
  mayOrderWithoutCategory(ctx: Ctx): boolean {
    return ctx.actor.isIsvAdmin;
  }

  /**
   * The order form of a category (null: without category, ISV admins only): its active products
   * with each order-specific parameter fixed, left to the default, or flexible with the bounds
   * that hold for an order created now, and the data fields that apply.
   */
  async orderForm(ctx: Ctx, categoryId: string | null): Promise<OrderForm> {
    const db = this.deps.db;
    const now = this.deps.clock.now();
    await requireRight(db, ctx, categoryId, "create", "create orders");
    let category: OrderForm["category"] = null;
    let products: FormProduct[];
    if (categoryId !== null) {
      const row = await findCategoryById(db, categoryId);
      if (!row) throw notFound("category", categoryId);
      category = { id: row.id, name: row.name };
      products = (await this.sellable(db, categoryId)).map(({ product, config }) =>
        formProduct(product, config, now),
      );
    } else {
      const rows = await listProducts(db, { status: "active", limit: 1000 });
      products = rows.map((p) => formProduct(p, null, now));
    }
    const dataFields = (await this.dataFields(db)).filter((f) => appliesTo(f, categoryId));
    return { category, today: dayOf(now), products, dataFields };
  }

  /** The active products of a category with their configuration there, by code. */
  private async sellable(db: Db, categoryId: string) {
    const configs = await findCategoryProducts(db, categoryId);
    const products = new Map(
      (
        await findProductsByCodes(
          db,
          configs.map((c) => Number(c.code)),
        )
      ).map((p) => [Number(p.code), p]),
    );
    return configs.flatMap((c) => {
      const product = products.get(Number(c.code));
      return product?.status === "active"
        ? [{ product, config: JSON.parse(c.config) as CategoryProductConfig }]
        : [];
    });
  }

  /**
   * An order the caller can see with what its detail page shows: category, group, creator, data
   * field labels, licenses with their activations, and its history from the audit log.
   */
  async detail(ctx: Ctx, id: string): Promise<OrderDetail> {
    const today = dayOf(this.deps.clock.now());
    const db = this.deps.db;
    const order = await this.get(ctx, id);
    const row = (await findOrderById(db, id))!;
    const licenseIds = order.licenses.map((l) => l.id);
    const activations = (await findActivationsByLicenses(db, licenseIds)).map(presentActivation);
    const events = await listAuditEvents(db, {
      scope: visibilityScope(ctx),
      orderId: id,
      newestFirst: true,
      limit: MAX_HISTORY + 1,
    });
    const category = row.category_id ? await findCategoryById(db, row.category_id) : undefined;
    const group = await findGroupById(db, row.group_id);
    const creator = row.created_by ? await findUserById(db, row.created_by) : undefined;
    const fields = await this.dataFields(db);
    return {
      order,
      category: category ? { id: category.id, name: category.name } : null,
      group: group ? { id: group.id, name: group.name } : null,
      createdBy: creator ? { id: creator.id, name: creator.name, email: creator.email } : null,
      dataFields: fields
        .filter((f) => order.dataFields[f.key] !== undefined)
        .map((f) => ({ key: f.key, label: f.label, value: order.dataFields[f.key]! })),
      licenses: order.licenses.map((l) => ({
        ...l,
        state: licenseState({ status: l.status, expires_at: l.expiresAt }, today),
        activations: activations.filter((a) => a.licenseId === l.id),
      })),
      history: events.slice(0, MAX_HISTORY).map(presentHistoryEvent),
      historyTruncated: events.length > MAX_HISTORY,
    };
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

/** How the form offers one product: each order-specific parameter under its category rule. */
function formProduct(product: ProductRow, config: CategoryProductConfig | null, now: Date): FormProduct {
  const defs = JSON.parse(product.parameters) as ParameterDefinition[];
  const parameters: FormParameter[] = [];
  for (const d of defs) {
    if (d.binding !== "order") continue;
    const base = { key: d.key, label: d.label, type: d.type };
    if (config?.subscription && d.key === drivenKey(config.subscription)) {
      parameters.push(subscriptionParameter(base, config.subscription, now));
      continue;
    }
    const rule = config ? config.parameters[d.key] : { mode: "flexible" as const };
    if (!rule || rule.mode === "fixed") {
      const value = rule ? rule.value : (d.default ?? null);
      parameters.push({
        ...base,
        mode: rule ? "fixed" : "default",
        value,
        resolved: resolved(d, value, now),
      });
      continue;
    }
    parameters.push(flexibleParameter(d, rule, config !== null, now));
  }
  return { code: Number(product.code), name: product.name, description: product.description, parameters };
}

function drivenKey(s: SubscriptionConfig): string {
  return s.type === "license" ? "expiresAt" : "maintenanceUntil";
}

function resolved(d: ParameterDefinition, value: ParameterValue | null, now: Date): ParameterValue | null {
  return d.type === "date" && typeof value === "string" ? resolveDate(value, now) : value;
}

/** A flexible parameter's control and bounds: the product's rules narrowed by the category's. */
function flexibleParameter(
  d: ParameterDefinition,
  rule: FlexibleRule,
  inCategory: boolean,
  now: Date,
): FormParameter {
  const base = { mode: "flexible" as const, key: d.key, label: d.label, type: d.type };
  const dflt = resolved(d, d.default ?? null, now);
  const input = inCategory
    ? inputOf(d, rule)
    : d.type === "boolean" || d.type === "select"
      ? "select"
      : d.type;
  if (d.type === "features")
    return {
      ...base,
      input: "features",
      default: dflt,
      options: (inCategory ? optionsOf(d, rule) : (d.features ?? [])).map((f) => ({
        value: f,
        label: String(f),
      })),
    };
  if (input === "select") {
    const values = inCategory ? optionsOf(d, rule) : optionsOf(d, { mode: "flexible" });
    return {
      ...base,
      input: "select",
      default: d.default ?? null,
      options: values.map((v) => ({ value: v, label: optionLabel(d, v, now) })),
    };
  }
  if (input === "number") {
    const min = tighter(d.min, rule.min, Math.max);
    const max = tighter(d.max, rule.max, Math.min);
    const outside =
      typeof dflt === "number" && ((min !== undefined && dflt < min) || (max !== undefined && dflt > max));
    return {
      ...base,
      input: "number",
      default: outside ? null : dflt,
      required: outside || undefined,
      min,
      max,
      integer: d.integer ?? d.key === "seats",
    };
  }
  if (input === "date") {
    const today = dayOf(now);
    const at = (r: string | undefined) => (r ? addDuration(today, parseDuration(r)!) : undefined);
    const minDate = at(rule.minRelative);
    const maxDate = at(rule.maxRelative);
    const outside =
      typeof dflt === "string" &&
      ((minDate !== undefined && dflt < minDate) || (maxDate !== undefined && dflt > maxDate));
    // No date at all (no expiry) would be later than any latest date the category allows.
    const open = dflt === null && maxDate !== undefined;
    return {
      ...base,
      input: "date",
      default: outside ? null : dflt,
      required: outside || open || undefined,
      minDate,
      maxDate,
      minRelative: rule.minRelative,
      maxRelative: rule.maxRelative,
    };
  }
  return {
    ...base,
    input: "text",
    default: dflt,
    maxLength: tighter(d.maxLength, rule.maxLength, Math.min),
    pattern: rule.pattern ?? d.pattern,
  };
}

/** The driven date of a subscription: its first end date, fixed or within the category's range. */
function subscriptionParameter(
  base: { key: string; label: string; type: ParameterType },
  s: SubscriptionConfig,
  now: Date,
): FormParameter {
  const today = dayOf(now);
  const first = resolveFirstTerm(s, undefined, now, base.key, []);
  if (s.firstEnd.mode === "fixed")
    return { ...base, mode: "fixed", value: s.firstEnd.value, resolved: first?.endDate ?? null };
  return {
    ...base,
    mode: "flexible",
    input: "date",
    default: first?.endDate ?? null,
    minDate: addDuration(today, parseDuration(s.firstEnd.min)!),
    maxDate: alignEnd(addDuration(today, parseDuration(s.firstEnd.max)!), s.alignTo),
    minRelative: s.firstEnd.min,
    maxRelative: s.firstEnd.max,
    alignTo: s.alignTo,
  };
}

function optionLabel(d: ParameterDefinition, v: ParameterValue | null, now: Date): string {
  if (v === null) return "None";
  if (d.type === "boolean") return v ? "Yes" : "No";
  if (d.type === "date" && typeof v === "string" && v !== resolveDate(v, now))
    return `${v} (${resolveDate(v, now)})`;
  return String(v);
}

function tighter(
  a: number | undefined,
  b: number | undefined,
  pick: (x: number, y: number) => number,
): number | undefined {
  return a === undefined ? b : b === undefined ? a : pick(a, b);
}

/** Timestamps are stored as UTC ISO text; a bound given with another offset is converted first. */
export function utc(instant: string | undefined): string | undefined {
  return instant === undefined ? undefined : new Date(instant).toISOString();
}
