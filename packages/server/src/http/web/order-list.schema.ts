import { type Static, Type } from "typebox";
import type { OrderQuery } from "../../services/order.service.ts";
import type { FormErrors } from "./forms.ts";

const DATE = "^(\\d{4}-\\d{2}-\\d{2})?$";
const DATE_MESSAGE = "Enter a date as YYYY-MM-DD, for example 2026-03-31.";

/**
 * The filters of the orders list, as the query string sends them: every value is text, and an
 * empty value means "no filter" (a GET form sends every field, filled in or not).
 */
export const OrderListFilters = Type.Object({
  /** Part of the customer's name, email or company (case-insensitive). */
  customer: Type.Optional(Type.String({ maxLength: 200 })),
  /** The order number of the vendor's or partner's own system, exactly. */
  externalOrderNumber: Type.Optional(Type.String({ maxLength: 100 })),
  /** Orders with a license of this product code. */
  product: Type.Optional(
    Type.String({ pattern: "^(\\d{1,9})?$", errorMessage: "Choose a product from the list." }),
  ),
  /** Orders created through this category (its id). */
  category: Type.Optional(
    Type.String({
      pattern: "^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?$",
      errorMessage: "Choose a category from the list.",
    }),
  ),
  status: Type.Optional(
    Type.String({ pattern: "^(active|closed)?$", errorMessage: "Choose a status from the list." }),
  ),
  /** Created on or after this day (UTC). */
  createdFrom: Type.Optional(Type.String({ pattern: DATE, errorMessage: DATE_MESSAGE })),
  /** Created on or before this day (UTC): the whole day counts. */
  createdTo: Type.Optional(Type.String({ pattern: DATE, errorMessage: DATE_MESSAGE })),
  /** The key of a data field to filter by, together with `fieldValue`. */
  field: Type.Optional(Type.String({ maxLength: 64 })),
  /** The value the data field `field` must have, exactly. */
  fieldValue: Type.Optional(Type.String({ maxLength: 200 })),
  sort: Type.Optional(
    Type.String({ pattern: "^(newest|oldest)?$", errorMessage: "Choose newest or oldest first." }),
  ),
  /** The id of the last order of the previous page. */
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  /** Orders per page, 1 to 200 (50 unless given). */
  limit: Type.Optional(
    Type.String({
      pattern: "^(200|1\\d\\d|[1-9]\\d?)?$",
      errorMessage: "Show between 1 and 200 orders per page.",
    }),
  ),
});

export type OrderListForm = Static<typeof OrderListFilters>;

/**
 * Finding an order by its ticket. The ticket is a bearer secret: it is posted, never put in a
 * URL (no GET filter, no pager or CSV link carries it).
 */
export const FindByTicketFields = Type.Object({
  /** Case-insensitive, dashes and spaces optional (as `normalizeTicket` reads it). */
  ticket: Type.String({ minLength: 1, maxLength: 60 }),
});

export const TICKET_FORMAT_MESSAGE =
  "Enter the 25 letters and digits of the ticket, for example 7KQ2M-9XH4D-ZP1RT-8W3NC-6YB5V.";
export const NO_TICKET_MATCH_MESSAGE = "No order you can see has this ticket.";

/** Orders per page when the query does not say. */
export const ORDER_PAGE_SIZE = 50;

/** `2026-03-31` → the instant that day starts (UTC), or null for a day that does not exist. */
function dayStart(day: string): Date | null {
  const at = new Date(`${day}T00:00:00.000Z`);
  return Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== day ? null : at;
}

/**
 * The parsed filters as the order service's query, or the filters' errors. Dates are whole days
 * in UTC, as the list shows them: "to" includes its day.
 */
export function toOrderQuery(
  form: OrderListForm,
): { ok: true; query: OrderQuery } | { ok: false; errors: FormErrors } {
  const fields: Record<string, string> = {};
  const from = form.createdFrom ? dayStart(form.createdFrom) : undefined;
  const to = form.createdTo ? dayStart(form.createdTo) : undefined;
  if (from === null) fields.createdFrom = "This day does not exist in the calendar.";
  if (to === null) fields.createdTo = "This day does not exist in the calendar.";
  if (from && to && to < from) fields.createdTo = "Choose a day on or after the “Created from” day.";
  if (form.fieldValue && !form.field) fields.field = "Choose the data field the value belongs to.";
  if (form.field && !form.fieldValue) fields.fieldValue = "Enter the value to look for.";
  if (Object.keys(fields).length) return { ok: false, errors: { fields, form: [] } };
  const query: OrderQuery = {
    sort: form.sort === "oldest" ? "createdAt" : "-createdAt",
    limit: form.limit ? Number(form.limit) : ORDER_PAGE_SIZE,
  };
  if (form.customer) query.customer = form.customer;
  if (form.externalOrderNumber) query.externalOrderNumber = form.externalOrderNumber;
  if (form.product) query.product = Number(form.product);
  if (form.category) query.category = form.category;
  if (form.status) query.status = form.status;
  if (from) query.createdFrom = from.toISOString();
  if (to) query.createdTo = new Date(to.getTime() + 86_400_000).toISOString();
  if (form.field && form.fieldValue) query.dataField = [`${form.field}=${form.fieldValue}`];
  if (form.cursor) query.cursor = form.cursor;
  return { ok: true, query };
}

/** Where the order service's validation issues are shown on the filters. */
export const ORDER_FILTER_FIELDS: Record<string, string> = {
  customer: "customer",
  externalOrderNumber: "externalOrderNumber",
  "dataField.0": "fieldValue",
};
