/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import type { ParameterValue } from "../../domain/parameters.ts";
import type { DataField } from "../../services/data-field.service.ts";
import type {
  FormParameter,
  FormProduct,
  OrderableCategory,
  OrderDetail,
  OrderForm,
  OrderHistoryEvent,
} from "../../services/order.service.ts";
import {
  Badge,
  Button,
  Card,
  Facts,
  Field,
  FieldFrame,
  Form,
  Notice,
  PageHeader,
  StateBadge,
} from "./components.tsx";
import { type FormErrors, type FormValues, NO_ERRORS } from "./forms.ts";
import { History } from "./history.tsx";
import { Layout } from "./layout.tsx";
import { when } from "./lists.tsx";
import { dataFieldName, encodeOption, encodeValue, parameterName, quantityName } from "./orders.schema.ts";

/** A form shown again with what was entered and what was wrong with it. */
export interface FormAgain {
  errors: FormErrors;
  values: FormValues;
}

const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : null);

function show(v: ParameterValue | null | undefined): string {
  if (v === null || v === undefined) return "None";
  if (Array.isArray(v)) return v.length ? v.join(", ") : "None";
  if (typeof v === "boolean") return v ? "Yes" : "No";
  return String(v);
}

/* ---------- Step 1: the category ---------- */

export interface CategoryChoiceProps {
  categories: OrderableCategory[];
  /** ISV admins may also order without a category. */
  withoutCategory: boolean;
}

/** The first step of a new order: the category to order through (it decides products and bounds). */
export function CategoryChoicePage(props: CategoryChoiceProps) {
  const none = !props.categories.length && !props.withoutCategory;
  return (
    <Layout title="New order" area="console">
      <PageHeader
        title="New order"
        lead="Choose the category to order through: it decides which products you can order and which values you can choose."
      />
      {none ? (
        <Notice kind="info">
          You may not create orders: you hold the right “create” on no category. Ask an admin of your group to
          grant it.
        </Notice>
      ) : (
        <Card title="Category">
          <ul class="category-choices">
            {props.categories.map((c) => (
              <li>
                <a href={`/orders/new?category=${encodeURIComponent(c.id)}`} class="category-choice">
                  <strong>{c.name}</strong>
                  <span class="muted">{c.products === 1 ? "1 product" : `${c.products} products`}</span>
                </a>
              </li>
            ))}
            {props.withoutCategory && (
              <li>
                <a href="/orders/new?category=none" class="category-choice">
                  <strong>Without a category</strong>
                  <span class="muted">Any active product, with the product's own rules only</span>
                </a>
              </li>
            )}
          </ul>
          {!props.categories.length && <p class="muted">No category exists yet.</p>}
        </Card>
      )}
      <p>
        <a href="/orders">Back to the orders</a>
      </p>
    </Layout>
  );
}

/* ---------- Step 2: the order form ---------- */

/** The ids and aria attributes of a control named `name` in the order form. */
function controlOf(name: string, state: FormAgain, hint: boolean) {
  const id = `f-${name}`;
  const error = state.errors.fields[name];
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return {
    id,
    error,
    value: state.values[name],
    autofocus: error !== undefined && Object.keys(state.errors.fields)[0] === name,
    aria: {
      "aria-describedby": describedBy || undefined,
      "aria-invalid": error ? ("true" as const) : undefined,
    },
  };
}

function numberHint(min: number | undefined, max: number | undefined): string | null {
  if (min !== undefined && max !== undefined) return `From ${min} to ${max}.`;
  if (min !== undefined) return `At least ${min}.`;
  if (max !== undefined) return `At most ${max}.`;
  return null;
}

function dateHint(p: Extract<FormParameter, { mode: "flexible" }>): string | null {
  const rel = (r: string | undefined) => (r ? ` (${r} from today)` : "");
  const parts: string[] = [];
  if (p.minDate && p.maxDate)
    parts.push(`Between ${p.minDate}${rel(p.minRelative)} and ${p.maxDate}${rel(p.maxRelative)}.`);
  else if (p.minDate) parts.push(`On ${p.minDate}${rel(p.minRelative)} or later.`);
  else if (p.maxDate) parts.push(`On ${p.maxDate}${rel(p.maxRelative)} at the latest.`);
  if (p.alignTo) parts.push(`The subscription's end date is moved to the last day of its ${p.alignTo}.`);
  return parts.length ? parts.join(" ") : null;
}

function textHint(maxLength: number | undefined, pattern: string | undefined): string | null {
  const parts = [
    maxLength !== undefined ? `At most ${maxLength} characters.` : null,
    pattern !== undefined ? `Must match the pattern ${pattern}.` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(" ") : null;
}

/** A fixed or default value: shown, read-only, and not sent (the service sets it). */
function ReadOnlyParameter(props: {
  code: number;
  p: Extract<FormParameter, { mode: "fixed" | "default" }>;
}) {
  const { p } = props;
  const id = `f-${parameterName(props.code, p.key)}`;
  const relative = p.type === "date" && p.value !== p.resolved && p.value !== null;
  const why =
    p.mode === "fixed"
      ? "Fixed by the category."
      : "Not configurable in this category: the product's default.";
  return (
    <div class="field readonly">
      <label for={id}>{p.label}</label>
      <div class="hint" id={`${id}-hint`}>
        {why}
        {relative && ` ${p.value} from the order's creation.`}
      </div>
      <input id={id} type="text" readonly value={show(p.resolved)} aria-describedby={`${id}-hint`} />
    </div>
  );
}

/** A flexible parameter: the control its category rule asks for, with its bounds. */
function FlexibleParameter(props: {
  code: number;
  p: Extract<FormParameter, { mode: "flexible" }>;
  state: FormAgain;
}) {
  const { p, state } = props;
  const name = parameterName(props.code, p.key);
  if (p.input === "features") return <FeatureChecks name={name} p={p} state={state} />;
  const hint =
    p.input === "number"
      ? numberHint(p.min, p.max)
      : p.input === "date"
        ? dateHint(p)
        : p.input === "text"
          ? textHint(p.maxLength, p.pattern)
          : null;
  const c = controlOf(name, state, hint !== null);
  const frame = { id: c.id, label: p.label, required: p.required, hint: hint ?? undefined, error: c.error };
  if (p.input === "select") {
    const current = c.value ?? encodeValue("select", p.default);
    return (
      <FieldFrame {...frame}>
        <select id={c.id} name={name} required={p.required} autofocus={c.autofocus} {...c.aria}>
          {p.default === null && !(p.options ?? []).some((o) => o.value === null) && (
            <option value="">Choose…</option>
          )}
          {(p.options ?? []).map((o) => (
            <option value={encodeOption(o.value)} selected={encodeOption(o.value) === current}>
              {o.label}
            </option>
          ))}
        </select>
      </FieldFrame>
    );
  }
  const value = c.value ?? encodeValue(p.input, p.default);
  return (
    <FieldFrame {...frame}>
      <input
        id={c.id}
        name={name}
        type={p.input === "number" ? "number" : p.input === "date" ? "date" : "text"}
        value={value}
        required={p.required}
        min={p.input === "number" ? p.min : p.minDate}
        max={p.input === "number" ? p.max : p.maxDate}
        step={p.input === "number" ? (p.integer ? 1 : "any") : undefined}
        maxlength={p.maxLength}
        pattern={p.pattern}
        autofocus={c.autofocus}
        {...c.aria}
      />
    </FieldFrame>
  );
}

/** The features a product may get here, one check box each. */
function FeatureChecks(props: {
  name: string;
  p: Extract<FormParameter, { mode: "flexible" }>;
  state: FormAgain;
}) {
  const { name, p, state } = props;
  const c = controlOf(name, state, false);
  const chosen = new Set<string>(JSON.parse(c.value ?? encodeValue("features", p.default ?? [])) as string[]);
  return (
    <fieldset
      class={c.error ? "field checks has-error" : "field checks"}
      id={c.id}
      aria-describedby={c.error ? `${c.id}-error` : undefined}
    >
      <legend>
        {p.label} <span class="optional">(optional)</span>
      </legend>
      {c.error && (
        <p class="field-error" id={`${c.id}-error`}>
          <span class="visually-hidden">Error: </span>
          {c.error}
        </p>
      )}
      {(p.options ?? []).map((o, i) => (
        <label class="check" for={`${c.id}-${i}`}>
          <input
            type="checkbox"
            id={`${c.id}-${i}`}
            name={name}
            value={String(o.value)}
            checked={chosen.has(String(o.value))}
          />{" "}
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}

function ProductFieldset(props: { product: FormProduct; single: boolean; state: FormAgain }) {
  const { product, state } = props;
  const qName = quantityName(product.code);
  const q = controlOf(qName, state, true);
  return (
    <fieldset class="order-item">
      <legend>
        {product.name} <span class="muted">· product {product.code}</span>
      </legend>
      {product.description && <p class="muted">{product.description}</p>}
      <FieldFrame
        id={q.id}
        label="Quantity"
        required
        error={q.error}
        hint={
          props.single
            ? "How many licenses to create."
            : "How many licenses to create; 0 leaves the product out."
        }
      >
        <input
          id={q.id}
          name={qName}
          type="number"
          inputmode="numeric"
          min={props.single ? 1 : 0}
          max={1000}
          step={1}
          required
          value={q.value ?? (props.single ? "1" : "0")}
          autofocus={q.autofocus}
          {...q.aria}
        />
      </FieldFrame>
      {product.parameters.map((p) =>
        p.mode === "flexible" ? (
          <FlexibleParameter code={product.code} p={p} state={state} />
        ) : (
          <ReadOnlyParameter code={product.code} p={p} />
        ),
      )}
    </fieldset>
  );
}

function DataFieldControl(props: { field: DataField; state: FormAgain }) {
  const f = props.field;
  const name = dataFieldName(f.key);
  const hint =
    f.type === "number"
      ? numberHint(f.min, f.max)
      : f.type === "text"
        ? textHint(f.maxLength, f.pattern)
        : null;
  const c = controlOf(name, props.state, hint !== null);
  const frame = { id: c.id, label: f.label, required: f.required, hint: hint ?? undefined, error: c.error };
  if (f.type === "select")
    return (
      <FieldFrame {...frame}>
        <select id={c.id} name={name} required={f.required} autofocus={c.autofocus} {...c.aria}>
          <option value="">Choose…</option>
          {(f.options ?? []).map((o) => (
            <option value={o} selected={o === c.value}>
              {o}
            </option>
          ))}
        </select>
      </FieldFrame>
    );
  return (
    <FieldFrame {...frame}>
      <input
        id={c.id}
        name={name}
        type={f.type === "number" ? "number" : f.type === "date" ? "date" : "text"}
        value={c.value}
        required={f.required}
        min={f.min}
        max={f.max}
        step={f.type === "number" ? "any" : undefined}
        maxlength={f.maxLength}
        pattern={f.pattern}
        autofocus={c.autofocus}
        {...c.aria}
      />
    </FieldFrame>
  );
}

export interface OrderFormPageProps {
  form: OrderForm;
  again?: FormAgain;
}

/** The order form of one category: its products with their parameters, the customer, data fields. */
export function OrderFormPage(props: OrderFormPageProps) {
  const { form } = props;
  const state = props.again ?? { errors: NO_ERRORS, values: {} };
  const single = form.products.length === 1;
  const title = form.category ? `New order in ${form.category.name}` : "New order without a category";
  return (
    <Layout title="New order" area="console">
      <PageHeader
        title={title}
        lead={
          <>
            Values you can choose are limited to what the category allows; fixed values are shown read-only.{" "}
            <a href="/orders/new">Choose another category</a>
          </>
        }
      />
      {form.products.length === 0 ? (
        <Notice kind="info">
          This category sells no active product yet, so no order can be created in it.
        </Notice>
      ) : (
        <Card>
          <Form action="/orders" errors={state.errors} values={state.values} label={title}>
            <input type="hidden" name="category" value={form.category?.id ?? ""} />
            <h2 class="form-section">Products</h2>
            {form.products.map((product) => (
              <ProductFieldset product={product} single={single} state={state} />
            ))}
            <fieldset class="order-item">
              <legend>Customer</legend>
              <Field name="customerName" label="Name" maxlength={200} autocomplete="off" />
              <Field
                name="customerEmail"
                label="Email"
                type="email"
                maxlength={320}
                autocomplete="off"
                hint="The ticket can be emailed here once the order exists."
              />
              <Field name="customerCompany" label="Company" maxlength={200} autocomplete="off" />
            </fieldset>
            <fieldset class="order-item">
              <legend>Order details</legend>
              <Field
                name="externalOrderNumber"
                label="External order number"
                maxlength={100}
                autocomplete="off"
                hint="Your own order number, e.g. from your ERP. Sending the same order again does not create it twice."
              />
              {form.dataFields.map((f) => (
                <DataFieldControl field={f} state={state} />
              ))}
            </fieldset>
            <Button>Create order</Button>
          </Form>
        </Card>
      )}
    </Layout>
  );
}

/* ---------- The order ---------- */

function HistoryDetail(props: { event: OrderHistoryEvent; products: Map<string, string> }) {
  const e = props.event;
  const after = (e.after ?? {}) as Record<string, unknown>;
  if (e.action === "order.ticket_sent" && typeof after.to === "string") return <>to {after.to}</>;
  if (e.entity.type === "activation" && typeof after.deviceName === "string") return <>{after.deviceName}</>;
  const product = props.products.get(e.entity.id);
  if (product) return <>{product}</>;
  const p = after.product as { name?: string } | undefined;
  return <>{p?.name ?? ""}</>;
}

function OrderHistory(props: { detail: OrderDetail }) {
  const { history, historyTruncated, licenses } = props.detail;
  const products = new Map(licenses.map((l) => [l.id, l.product.name]));
  return (
    <History
      id="order-history"
      caption="What happened to this order, newest first"
      empty="No events recorded."
      events={history}
      detail={{ heading: "Concerning", cell: (e) => <HistoryDetail event={e} products={products} /> }}
    >
      {historyTruncated && (
        <p class="muted">Only the newest {history.length} events are shown; the audit log has them all.</p>
      )}
    </History>
  );
}

function Licenses(props: { detail: OrderDetail }) {
  const { licenses } = props.detail;
  return (
    <Card title="Licenses" id="licenses">
      {licenses.length === 0 ? (
        <p class="muted">The order has no licenses left.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">The licenses of this order</caption>
            <thead>
              <tr>
                <th scope="col">License</th>
                <th scope="col">State</th>
                <th scope="col">Seats used</th>
                <th scope="col">Expires</th>
                <th scope="col">Maintenance until</th>
                <th scope="col">Version</th>
              </tr>
            </thead>
            <tbody>
              {licenses.map((l) => (
                <tr>
                  <td>
                    <a href={`/licenses/${l.id}`}>{l.product.name}</a>
                    <span class="muted"> · {l.id.slice(-8)}</span>
                  </td>
                  <td>
                    <StateBadge state={l.state} />
                  </td>
                  <td>
                    {l.activeSeats} of {l.seats}
                  </td>
                  <td class="nowrap">{day(l.expiresAt) ?? "Never"}</td>
                  <td class="nowrap">{day(l.maintenanceUntil) ?? "No end"}</td>
                  <td>{l.version}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function Activations(props: { detail: OrderDetail }) {
  const rows = props.detail.licenses.flatMap((l) =>
    l.activations.map((a) => ({ a, product: l.product.name })),
  );
  return (
    <Card title="Activations" id="activations">
      {rows.length === 0 ? (
        <p class="muted">No device has activated a license of this order yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">The devices that activated licenses of this order</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">License</th>
                <th scope="col">State</th>
                <th scope="col">Activated</th>
                <th scope="col">Returned</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ a, product }) => (
                <tr>
                  <td>
                    {a.deviceName}
                    <br />
                    <code class="fingerprint muted" title={a.fingerprint}>
                      {a.fingerprint.length > 16 ? `${a.fingerprint.slice(0, 16)}…` : a.fingerprint}
                    </code>
                  </td>
                  <td>
                    <a href={`/licenses/${a.licenseId}`}>{product}</a>
                  </td>
                  <td>
                    {a.status === "active" ? (
                      <Badge tone="success">Active</Badge>
                    ) : (
                      <Badge tone="neutral">Returned</Badge>
                    )}
                  </td>
                  <td class="nowrap">{when(a.createdAt)}</td>
                  <td class="nowrap">{when(a.returnedAt) || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

export interface OrderDetailPageProps {
  detail: OrderDetail;
  /** Whether the server can email (SMTP is configured). */
  canEmail: boolean;
  /** The send-ticket form shown again with its error. */
  sendForm?: FormAgain;
}

/** The title of an order: its external number when it has one. */
export function orderTitle(detail: OrderDetail): string {
  return detail.order.externalOrderNumber ? `Order ${detail.order.externalOrderNumber}` : "Order";
}

/** An order: its ticket (to copy, print or email), its facts, licenses, activations and history. */
export function OrderDetailPage(props: OrderDetailPageProps) {
  const { detail, canEmail } = props;
  const { order } = detail;
  const c = order.customer;
  const sendState = props.sendForm ?? { errors: NO_ERRORS, values: { to: c?.email ?? "" } };
  return (
    <Layout title={orderTitle(detail)} area="console">
      <PageHeader
        title={orderTitle(detail)}
        lead={
          <>
            Created {when(order.createdAt)}
            {detail.createdBy && <> by {detail.createdBy.name}</>}
            {detail.category && <> in {detail.category.name}</>}.{" "}
            {order.status === "closed" && <Badge tone="neutral">Closed</Badge>}
          </>
        }
      />
      <Card title="Ticket" id="ticket" class="ticket-card">
        <p>The customer activates the licenses of this order with this ticket in the license depot.</p>
        <p class="ticket-line">
          <code class="ticket" id="ticket-code">
            {order.ticket}
          </code>
        </p>
        <p class="muted">Select the ticket to copy it: one click selects all of it.</p>
        <p>
          <a class="button button-secondary" href={`/orders/${order.id}/ticket`}>
            Print the ticket
          </a>
        </p>
        <h3 id="send-ticket-title">Send the ticket to the customer</h3>
        {canEmail ? (
          <Form
            action={`/orders/${order.id}/ticket-email`}
            errors={sendState.errors}
            values={sendState.values}
            idPrefix="send"
            label="Send the ticket to the customer"
          >
            <Field
              name="to"
              label="Email address"
              type="email"
              required
              maxlength={320}
              autocomplete="off"
              hint="The ticket and how to activate it go to this address."
            />
            <Button variant="secondary">Send the ticket</Button>
          </Form>
        ) : (
          <p class="muted">
            Email is not set up on this server (SMTP_URL), so the ticket cannot be sent from here. Copy it or
            print it instead.
          </p>
        )}
      </Card>
      <Card title="Order" id="order">
        <Facts
          items={[
            ["Customer", c?.name ?? <span class="muted">Not given</span>],
            ["Company", c?.company ?? <span class="muted">Not given</span>],
            ["Email", c?.email ?? <span class="muted">Not given</span>],
            ["External order number", order.externalOrderNumber ?? <span class="muted">None</span>],
            ["Category", detail.category?.name ?? <span class="muted">None (ordered by the vendor)</span>],
            ["Group", detail.group?.name ?? ""],
            ["Created by", detail.createdBy ? `${detail.createdBy.name} (${detail.createdBy.email})` : "API"],
            ["Created", when(order.createdAt)],
            ["Status", order.status === "active" ? "Active" : "Closed"],
            ...detail.dataFields.map((f): [Child, Child] => [f.label, String(f.value)]),
          ]}
        />
      </Card>
      <Licenses detail={detail} />
      <Activations detail={detail} />
      <OrderHistory detail={detail} />
      <p>
        <a href="/orders">Back to the orders</a>
      </p>
    </Layout>
  );
}

export interface TicketPrintPageProps {
  detail: OrderDetail;
  /** The depot's address, where the customer enters the ticket. */
  depotUrl: string;
}

/** The ticket on a page of its own, for the customer: printed, only this sheet comes out. */
export function TicketPrintPage(props: TicketPrintPageProps) {
  const { detail, depotUrl } = props;
  const { order } = detail;
  const c = order.customer;
  return (
    <Layout title={`Ticket · ${orderTitle(detail)}`} area="console">
      <div class="print-actions">
        <p>
          <a href={`/orders/${order.id}`}>Back to the order</a>
        </p>
        <Notice kind="info">
          Use your browser's Print command (Ctrl+P, or ⌘P on a Mac): only the ticket sheet below is printed.
        </Notice>
      </div>
      <article class="ticket-sheet" aria-labelledby="ticket-sheet-title">
        <h1 id="ticket-sheet-title">Your license ticket</h1>
        {(c?.company || c?.name) && (
          <p>
            For {c?.name}
            {c?.name && c?.company && ", "}
            {c?.company}
          </p>
        )}
        {order.externalOrderNumber && <p>Order {order.externalOrderNumber}</p>}
        <p class="ticket-line">
          <code class="ticket">{order.ticket}</code>
        </p>
        <p>
          Enter this ticket in the license depot at <strong>{depotUrl}</strong> to activate the licenses on
          your computers and to download their license files. Keep it safe: whoever holds it can activate
          these licenses.
        </p>
        <table>
          <caption>The licenses of this ticket</caption>
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col">Seats</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          <tbody>
            {detail.licenses.map((l) => (
              <tr>
                <td>{l.product.name}</td>
                <td>{l.seats}</td>
                <td>{day(l.expiresAt) ?? "Never"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="muted">Created {day(order.createdAt)}</p>
      </article>
    </Layout>
  );
}
