import { Type } from "typebox";
import type { OrderForm, OrderInput } from "../../services/order.service.ts";
import type { FormErrors, FormValues } from "./forms.ts";

const EMAIL_OR_EMPTY = "^$|^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$";

/**
 * The fixed part of the order form. Products, their parameters and the data fields depend on
 * the category and are read by `readOrderItems`.
 */
export const OrderFormFields = Type.Object({
  /** The category the order is created through; empty: without category (ISV admins). */
  category: Type.Optional(Type.String({ maxLength: 64 })),
  /** The end customer's name. */
  customerName: Type.Optional(Type.String({ maxLength: 200 })),
  /** Where the ticket email goes by default. */
  customerEmail: Type.Optional(
    Type.String({
      maxLength: 320,
      pattern: EMAIL_OR_EMPTY,
      errorMessage: "Enter an email address such as ada@example.com.",
    }),
  ),
  customerCompany: Type.Optional(Type.String({ maxLength: 200 })),
  /** The ERP's order number: sending the same order twice creates it once. */
  externalOrderNumber: Type.Optional(Type.String({ maxLength: 100 })),
});

/** The query of `/orders/new`: the category chosen (its id, or `none`), once. */
export const NewOrderQuery = Type.Object({
  category: Type.Optional(Type.String({ maxLength: 64 })),
});

/** Emailing an order's ticket. */
export const SendTicketFields = Type.Object({
  /** The recipient; the page fills in the customer's address. */
  to: Type.String({
    minLength: 1,
    maxLength: 320,
    pattern: EMAIL_OR_EMPTY,
    errorMessage: "Enter an email address such as ada@example.com.",
  }),
});

/** The name of a product's quantity field. */
export const quantityName = (code: number) => `item-${code}-quantity`;
/** The name of the control of a product's parameter. */
export const parameterName = (code: number, key: string) => `item-${code}-${key}`;
/** The name of a data field's control. */
export const dataFieldName = (key: string) => `dataField-${key}`;

/** How a select option travels in the form: JSON, so `1`, `"1"`, `true` and `null` stay apart. */
export const encodeOption = (v: unknown) => JSON.stringify(v);

/** The string a flexible parameter's control shows for a value (check boxes: a JSON list). */
export function encodeValue(input: string, v: unknown): string {
  if (v === null || v === undefined) return "";
  if (input === "select" || input === "features") return JSON.stringify(v);
  return String(v);
}

/** What the dynamic part of the order form asked for, or what is wrong with it. */
export interface OrderItemsResult {
  items: OrderInput["items"];
  dataFields: Record<string, string | number>;
  errors: FormErrors;
  /** The strings to show the form again with. */
  values: FormValues;
  /** Service field names (`items.0.parameters.seats`) → form field names, for `formErrors`. */
  fieldMap: Record<string, string>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_QUANTITY = 1000;

/** The one string a control sent, or undefined; a repeated field is an error (null). */
function single(body: Record<string, unknown>, name: string): string | undefined | null {
  const raw = body[name];
  if (raw === undefined) return undefined;
  return typeof raw === "string" ? raw.trim() : null;
}

/**
 * Reads the products, quantities, parameter values and data field values of an order form as
 * typed values for `OrderService.create`: numbers as numbers, selects as the option's value,
 * features as a list. A value left as the form offered it (the product's default) is not sent,
 * so the order keeps the default's rule (a relative `P1Y` stays relative). Whether a value is
 * allowed is the service's decision; this only reads what was typed.
 */
export function readOrderItems(form: OrderForm, body: Record<string, unknown>): OrderItemsResult {
  const errors: FormErrors = { fields: {}, form: [] };
  const values: FormValues = {};
  const fieldMap: Record<string, string> = {};
  const items: OrderInput["items"] = [];
  const once = "Send this field once.";

  for (const product of form.products) {
    const qName = quantityName(product.code);
    const q = single(body, qName);
    if (q === null) errors.fields[qName] = once;
    if (typeof q === "string") values[qName] = q;
    const quantity = q ? Number(q) : 0;
    if (q && (!Number.isInteger(quantity) || quantity < 0 || quantity > MAX_QUANTITY))
      errors.fields[qName] = `Enter a whole number from 0 to ${MAX_QUANTITY}.`;
    const parameters: Record<string, unknown> = {};
    for (const p of product.parameters) {
      if (p.mode !== "flexible") continue;
      const name = parameterName(product.code, p.key);
      if (p.input === "features") {
        const raw = body[name];
        const chosen = (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]).map(String);
        values[name] = JSON.stringify(chosen);
        const same =
          Array.isArray(p.default) && [...p.default].sort().join("\n") === [...chosen].sort().join("\n");
        if (!same) parameters[p.key] = chosen;
        continue;
      }
      const raw = single(body, name);
      if (raw === null) {
        errors.fields[name] = once;
        continue;
      }
      if (raw === undefined || raw === "") continue;
      values[name] = raw;
      if (raw === encodeValue(p.input, p.default)) continue;
      if (p.input === "number") {
        const n = Number(raw);
        if (!Number.isFinite(n)) errors.fields[name] = "Enter a number.";
        else parameters[p.key] = n;
      } else if (p.input === "date") {
        if (!DAY.test(raw)) errors.fields[name] = "Enter a date as YYYY-MM-DD.";
        else parameters[p.key] = raw;
      } else if (p.input === "select") {
        try {
          parameters[p.key] = JSON.parse(raw) as unknown;
        } catch {
          errors.fields[name] = "Choose one of the listed values.";
        }
      } else parameters[p.key] = raw;
    }
    if (quantity < 1) continue;
    const i = items.length;
    items.push({ product: product.code, quantity, parameters });
    fieldMap[`items.${i}`] = qName;
    fieldMap[`items.${i}.product`] = qName;
    fieldMap[`items.${i}.quantity`] = qName;
    fieldMap[`items.${i}.parameters`] = qName;
    for (const p of product.parameters)
      fieldMap[`items.${i}.parameters.${p.key}`] = parameterName(product.code, p.key);
  }

  const dataFields: Record<string, string | number> = {};
  for (const f of form.dataFields) {
    const name = dataFieldName(f.key);
    fieldMap[`dataFields.${f.key}`] = name;
    const raw = single(body, name);
    if (raw === null) errors.fields[name] = once;
    if (!raw) continue;
    values[name] = raw;
    if (f.type === "number") {
      const n = Number(raw);
      if (!Number.isFinite(n)) errors.fields[name] = "Enter a number.";
      else dataFields[f.key] = n;
    } else dataFields[f.key] = raw;
  }

  if (!items.length && !Object.keys(errors.fields).length)
    errors.form.push(
      form.products.length === 1
        ? "Give the product a quantity of 1 or more."
        : "Choose at least one product: give it a quantity of 1 or more.",
    );
  return { items, dataFields, errors, values, fieldMap };
}

/** The fixed fields of the order form as the service names them. */
export const ORDER_FIELD_MAP: Record<string, string> = {
  externalOrderNumber: "externalOrderNumber",
  "customer.name": "customerName",
  "customer.email": "customerEmail",
  "customer.company": "customerCompany",
};
