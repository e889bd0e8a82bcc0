/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../../config/config.ts";
import { AppError, ErrorCode } from "../../domain/errors.ts";
import { normalizeTicket } from "../../domain/ticket.ts";
import type { Services } from "../../services/index.ts";
import type { Order } from "../../services/license.view.ts";
import type { OrderQuery } from "../../services/order.service.ts";
import { HTTP_STATUS } from "../errors.ts";
import { type CsvValue, sendCsv } from "./csv.ts";
import { type FormErrors, type FormValues, formErrors, NO_ERRORS, parseForm } from "./forms.ts";
import { holdsRight } from "./nav.ts";
import { type Choice, OrderListPage, productSummary } from "./order-list.pages.tsx";
import {
  FindByTicketFields,
  NO_TICKET_MATCH_MESSAGE,
  ORDER_FILTER_FIELDS,
  OrderListFilters,
  TICKET_FORMAT_MESSAGE,
  toOrderQuery,
} from "./order-list.schema.ts";
import { render, seeOther } from "./render.tsx";

/** The CSV export reads the list in pages of this size. */
const CSV_PAGE_SIZE = 200;

/** The orders list: search, filters, pagination, its CSV export, and finding an order by its ticket. */
export async function orderListRoutes(
  app: FastifyInstance,
  services: Services,
  _config: Config,
): Promise<void> {
  /** The categories the viewer may filter by: all for ISV admins, else those it holds rights on. */
  async function categoriesOf(request: FastifyRequest): Promise<Choice[]> {
    const viewer = request.viewer!;
    if (viewer.user.isIsvAdmin)
      return (await services.categories.list(request.ctx)).map((c) => ({ value: c.id, label: c.name }));
    const byId = new Map(viewer.rights.map((r) => [r.category.id, r.category.name]));
    return [...byId]
      .map(([value, label]) => ({ value, label }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }

  /**
   * The orders page for these filters (the query string), with the "find by ticket" form shown
   * again when given. Bad filters answer 400 and no list.
   */
  async function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    filters: unknown,
    find?: { errors: FormErrors; values: FormValues; status: number },
  ) {
    const [products, categories, dataFields] = await Promise.all([
      services.products.list({ limit: 200 }),
      categoriesOf(request),
      services.dataFields.list(),
    ]);
    const common = {
      products: products.data.map((p) => ({ value: String(p.code), label: `${p.name} (${p.code})` })),
      categories,
      categoryNames: new Map(categories.map((c) => [c.value, c.label])),
      dataFields,
      canCreate: holdsRight(request.viewer!, "create"),
      find,
    };
    const form = parseForm(OrderListFilters, filters);
    const parsed = form.ok ? toOrderQuery(form.value) : { ok: false as const, errors: form.errors };
    const failed = (errors: typeof NO_ERRORS, status: number) =>
      render(
        reply,
        <OrderListPage {...common} values={form.values} errors={errors} orders={null} nextCursor={null} />,
        { status },
      );
    if (!parsed.ok) return failed(parsed.errors, 400);
    try {
      const page = await services.orders.list(request.ctx, parsed.query);
      return render(
        reply,
        <OrderListPage
          {...common}
          values={form.values}
          errors={NO_ERRORS}
          orders={page.data}
          nextCursor={page.nextCursor}
        />,
        { status: find?.status ?? 200 },
      );
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== ErrorCode.VALIDATION_FAILED) throw err;
      return failed(formErrors(err, ORDER_FILTER_FIELDS), HTTP_STATUS[err.code]);
    }
  }

  app.get("/orders", (request, reply) => listPage(request, reply, request.query));

  /**
   * Finds a visible order by its ticket: 303 to the order, or the orders page again with the
   * message next to the field. An order the caller cannot see is answered exactly like no order.
   */
  app.post("/orders/find-by-ticket", async (request, reply) => {
    const form = parseForm(FindByTicketFields, request.body);
    if (!form.ok) return listPage(request, reply, {}, { ...form, status: 400 });
    const again = (message: string, status: number) =>
      listPage(
        request,
        reply,
        {},
        { errors: { fields: { ticket: message }, form: [] }, values: form.values, status },
      );
    const ticket = normalizeTicket(form.value.ticket);
    if (!ticket) return again(TICKET_FORMAT_MESSAGE, 400);
    const found = await services.orders.list(request.ctx, { ticket, limit: 1, sort: "-createdAt" });
    const order = found.data[0];
    if (!order) return again(NO_TICKET_MATCH_MESSAGE, 404);
    return seeOther(reply, `/orders/${order.id}`);
  });

  app.get("/orders.csv", async (request, reply) => {
    const form = parseForm(OrderListFilters, request.query);
    const parsed = form.ok ? toOrderQuery(form.value) : null;
    if (!parsed?.ok)
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        "The filters are not valid: correct them on the orders page.",
      );
    const [categories, dataFields] = await Promise.all([categoriesOf(request), services.dataFields.list()]);
    const names = new Map(categories.map((c) => [c.value, c.label]));
    const header = [
      "Order id",
      "Created (UTC)",
      "External order number",
      "Customer name",
      "Customer email",
      "Customer company",
      "Category",
      "Status",
      "Licenses",
      "Products",
      ...dataFields.map((f) => f.label),
    ];
    const row = (o: Order): CsvValue[] => [
      o.id,
      o.createdAt,
      o.externalOrderNumber,
      o.customer?.name,
      o.customer?.email,
      o.customer?.company,
      o.categoryId === null ? null : (names.get(o.categoryId) ?? o.categoryId),
      o.status,
      o.licenses.length,
      productSummary(o),
      ...dataFields.map((f) => o.dataFields[f.key]),
    ];
    const query: OrderQuery = { ...parsed.query, limit: CSV_PAGE_SIZE };
    return sendCsv<string>(reply, "orders.csv", header, async (cursor) => {
      const page = await services.orders.list(request.ctx, { ...query, cursor });
      return { rows: page.data.map(row), next: page.nextCursor };
    });
  });
}
