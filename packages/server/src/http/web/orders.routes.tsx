/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../../config/config.ts";
import { AppError, ErrorCode } from "../../domain/errors.ts";
import type { Services } from "../../services/index.ts";
import type { OrderForm, OrderInput } from "../../services/order.service.ts";
import { HTTP_STATUS } from "../errors.ts";
import { flash } from "./flash.ts";
import { type FormErrors, type FormValues, formErrors, parseForm } from "./forms.ts";
import {
  CategoryChoicePage,
  type FormAgain,
  OrderDetailPage,
  OrderFormPage,
  TicketPrintPage,
} from "./orders.pages.tsx";
import {
  NewOrderQuery,
  ORDER_FIELD_MAP,
  OrderFormFields,
  readOrderItems,
  SendTicketFields,
} from "./orders.schema.ts";
import { render, seeOther } from "./render.tsx";

/** `?category=none`: the order form without a category (ISV admins). */
const WITHOUT_CATEGORY = "none";

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/**
 * Creating an order (category, then products and values), and the order's own pages: detail,
 * printable ticket, ticket email. The list and its CSV export live in order-list.routes.tsx.
 */
export async function ordersRoutes(app: FastifyInstance, services: Services, config: Config): Promise<void> {
  const depotUrl = `${config.publicUrl.replace(/\/$/, "")}/depot`;

  app.get("/orders/new", async (request, reply) => {
    const query = parseForm(NewOrderQuery, request.query);
    if (!query.ok)
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        "Choose one category from the list on the New order page.",
      );
    const category = query.value.category;
    if (!category)
      return render(
        reply,
        <CategoryChoicePage
          categories={await services.orders.orderableCategories(request.ctx)}
          withoutCategory={services.orders.mayOrderWithoutCategory(request.ctx)}
        />,
      );
    const form = await services.orders.orderForm(
      request.ctx,
      category === WITHOUT_CATEGORY ? null : category,
    );
    return render(reply, <OrderFormPage form={form} />);
  });

  app.post("/orders", async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const fixed = parseForm(OrderFormFields, body);
    if (body.category !== undefined && typeof body.category !== "string")
      throw new AppError(ErrorCode.VALIDATION_FAILED, "choose one category: the form was sent with several", {
        field: "category",
      });
    const categoryId = body.category ? body.category : null;
    // The form is rebuilt from the category: a category the user may not create in is refused here.
    const form = await services.orders.orderForm(request.ctx, categoryId);
    const dynamic = readOrderItems(form, body);
    const values: FormValues = { ...fixed.values, ...dynamic.values };
    const again = (errors: FormErrors, status: number) =>
      render(reply, <OrderFormPage form={form} again={{ errors, values }} />, { status });
    if (!fixed.ok || dynamic.errors.form.length || Object.keys(dynamic.errors.fields).length) {
      const errors = fixed.ok ? dynamic.errors : fixed.errors;
      if (!fixed.ok) {
        Object.assign(errors.fields, dynamic.errors.fields);
        errors.form.push(...dynamic.errors.form);
      }
      return again(errors, 400);
    }
    const input = orderInput(form, fixed.value, dynamic);
    try {
      const { order, created } = await services.orders.create(request.ctx, input);
      flash(
        reply,
        created ? "success" : "info",
        created
          ? `The order was created with ${order.licenses.length} ${order.licenses.length === 1 ? "license" : "licenses"}. Give the ticket to the customer.`
          : "This order exists already (same external order number and contents); here it is.",
      );
      return seeOther(reply, `/orders/${order.id}`);
    } catch (err) {
      const errors = formErrors(err, { ...ORDER_FIELD_MAP, ...dynamic.fieldMap });
      return again(errors, err instanceof AppError ? HTTP_STATUS[err.code] : 400);
    }
  });

  const detailPage = async (request: IdRequest, reply: FastifyReply, sendForm?: FormAgain, status = 200) =>
    render(
      reply,
      <OrderDetailPage
        detail={await services.orders.detail(request.ctx, request.params.id)}
        canEmail={services.notices.canSendTickets}
        sendForm={sendForm}
      />,
      { status },
    );

  app.get<{ Params: { id: string } }>("/orders/:id", async (request, reply) => detailPage(request, reply));

  app.get<{ Params: { id: string } }>("/orders/:id/ticket", async (request, reply) => {
    const detail = await services.orders.detail(request.ctx, request.params.id);
    return render(reply, <TicketPrintPage detail={detail} depotUrl={depotUrl} />);
  });

  app.post<{ Params: { id: string } }>("/orders/:id/ticket-email", async (request, reply) => {
    const form = parseForm(SendTicketFields, request.body);
    if (!form.ok) return detailPage(request, reply, form, 400);
    try {
      const { to } = await services.notices.sendTicket(request.ctx, request.params.id, form.value.to);
      flash(reply, "success", `The ticket was sent to ${to}.`);
      return seeOther(reply, `/orders/${request.params.id}#ticket`);
    } catch (err) {
      if (err instanceof AppError && HTTP_STATUS[err.code] === 404) throw err;
      const errors = formErrors(err, { to: "to" });
      return detailPage(
        request,
        reply,
        { errors, values: form.values },
        err instanceof AppError ? HTTP_STATUS[err.code] : 400,
      );
    }
  });
}

/** The service's input from the parsed form. */
function orderInput(
  form: OrderForm,
  fixed: {
    customerName?: string;
    customerEmail?: string;
    customerCompany?: string;
    externalOrderNumber?: string;
  },
  dynamic: { items: OrderInput["items"]; dataFields: Record<string, string | number> },
): OrderInput {
  const customer = {
    ...(fixed.customerName ? { name: fixed.customerName } : {}),
    ...(fixed.customerEmail ? { email: fixed.customerEmail } : {}),
    ...(fixed.customerCompany ? { company: fixed.customerCompany } : {}),
  };
  return {
    ...(form.category ? { category: form.category.id } : {}),
    ...(fixed.externalOrderNumber ? { externalOrderNumber: fixed.externalOrderNumber } : {}),
    ...(Object.keys(customer).length ? { customer } : {}),
    ...(Object.keys(dynamic.dataFields).length ? { dataFields: dynamic.dataFields } : {}),
    items: dynamic.items,
  };
}
