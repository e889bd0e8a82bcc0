/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import type { ParameterValue } from "../../domain/parameters.ts";
import type { Right } from "../../domain/rights.ts";
import type {
  LicenseDetail,
  LicenseHistoryEvent,
  LicenseSummary,
  ModifiableParameter,
} from "../../services/license.service.ts";
import type { Activation, Order } from "../../services/license.view.ts";
import type { Subscription, SubscriptionTerm } from "../../services/subscription.service.ts";
import {
  ActionForm,
  Badge,
  Button,
  Card,
  Facts,
  Field,
  FieldFrame,
  Form,
  Notice,
  PageHeader,
  Select,
  StateBadge,
  type Tone,
} from "./components.tsx";
import { type FormErrors, type FormValues, NO_ERRORS } from "./forms.ts";
import { changesOf, History, valueText } from "./history.tsx";
import { Layout } from "./layout.tsx";
import { editable, VERSION_FIELD } from "./licenses.schema.ts";
import { type ListQuery, Pager, when } from "./lists.tsx";
import { usePage, type Viewer } from "./page.ts";

/** Whether the viewer holds `right` on a license's category (ISV admins hold every right). */
export function holdsRightOn(viewer: Viewer, categoryId: string | null, right: Right): boolean {
  if (viewer.user.isIsvAdmin) return true;
  return categoryId !== null && viewer.rights.some((r) => r.category.id === categoryId && r.right === right);
}

const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : "");

/** The customer of an order in one line: company, then name, then email. */
export function customerLine(
  c: { name: string | null; email: string | null; company: string | null } | null,
) {
  if (!c) return "";
  const who = [c.company, c.name].filter(Boolean).join(", ");
  return who || c.email || "";
}

/** How an order is named in a link: its external number, else the end of its id. */
export function orderName(orderId: string, externalOrderNumber: string | null): string {
  return externalOrderNumber ?? `…${orderId.slice(-8)}`;
}

/* ---------- the list ---------- */

export interface LicensesPageProps {
  query: ListQuery;
  filterErrors?: FormErrors;
  licenses: LicenseSummary[];
  nextCursor: string | null;
  products: { code: number; name: string }[];
  categories: { id: string; name: string }[];
}

export function LicensesPage(props: LicensesPageProps) {
  const { query } = props;
  const errors = props.filterErrors ?? NO_ERRORS;
  return (
    <Layout title="Licenses" area="console">
      <PageHeader
        title="Licenses"
        lead="The licenses of your orders: search by customer, filter by product, state, category or creation day, and open one to modify, revoke or delete it."
      />
      <Card title="Filter licenses" id="license-filters">
        <Form
          action="/licenses"
          method="get"
          values={query as FormValues}
          errors={errors}
          idPrefix="filter"
          class="filters"
        >
          <Field
            name="customer"
            label="Customer"
            type="search"
            maxlength={200}
            hint="Part of a name, email or company."
          />
          <Select
            name="product"
            label="Product"
            options={[
              { value: "", label: "Any product" },
              ...props.products.map((p) => ({ value: String(p.code), label: `${p.name} (${p.code})` })),
            ]}
          />
          <Select
            name="state"
            label="State"
            options={[
              { value: "", label: "Any state" },
              { value: "active", label: "Active" },
              { value: "expired", label: "Expired" },
              { value: "revoked", label: "Revoked" },
            ]}
          />
          <Select
            name="category"
            label="Category"
            options={[
              { value: "", label: "Any category" },
              ...props.categories.map((c) => ({ value: c.id, label: c.name })),
            ]}
          />
          <Field name="order" label="Order id" maxlength={100} code />
          <Field name="createdFrom" label="Created from" type="date" />
          <Field name="createdTo" label="Created until" type="date" hint="Inclusive." />

          <div class="filters-actions">
            <button type="submit" class="button button-secondary">
              Apply filters
            </button>
            <a href="/licenses">Clear</a>
          </div>
        </Form>
      </Card>
      <Card title="Results" id="license-results">
        {props.licenses.length ? (
          <LicenseTable licenses={props.licenses} />
        ) : (
          <p class="muted">No license matches these filters.</p>
        )}
        <Pager
          path="/licenses"
          query={query}
          nextCursor={props.nextCursor}
          shown={props.licenses.length}
          noun="licenses"
        />
      </Card>
    </Layout>
  );
}

function LicenseTable(props: { licenses: LicenseSummary[] }) {
  return (
    <div class="table-wrap">
      <table class="license-table">
        <caption class="visually-hidden">Licenses, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Customer</th>
            <th scope="col">Order</th>
            <th scope="col">State</th>
            <th scope="col">Seats used</th>
            <th scope="col">Expires</th>
            <th scope="col">Maintenance until</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {props.licenses.map((l) => (
            <tr>
              <th scope="row">
                <a href={`/licenses/${l.id}`}>
                  {l.product.name}
                  <span class="visually-hidden"> license {l.id}</span>
                </a>
              </th>
              <td>{customerLine(l.customer) || <span class="muted">None</span>}</td>
              <td>
                <a href={`/orders/${l.orderId}`}>{orderName(l.orderId, l.externalOrderNumber)}</a>
              </td>
              <td>
                <StateBadge state={l.state} />
              </td>
              <td>
                {l.activeSeats} of {l.seats}
              </td>
              <td>{day(l.expiresAt) || <span class="muted">Never</span>}</td>
              <td>{day(l.maintenanceUntil) || <span class="muted">No end</span>}</td>
              <td>{day(l.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/* ---------- the detail ---------- */

export interface LicensePageProps {
  license: LicenseDetail;
  order: Order | null;
  categoryName: string | null;
  parameters: ModifiableParameter[];
  subscription: (Subscription & { terms: SubscriptionTerm[] }) | null;
  history: LicenseHistoryEvent[];
  /** The modify form shown again with what was entered and what was wrong. */
  modify?: { errors: FormErrors; values: FormValues; chosen: Record<string, string[]> };
}

export function LicensePage(props: LicensePageProps) {
  const viewer = usePage().viewer!;
  const l = props.license;
  const may = (right: Right) => holdsRightOn(viewer, l.categoryId, right);
  const canModify = may("modify") && l.status === "active" && editable(props.parameters).length > 0;
  const canRevoke = may("revoke") && l.status === "active";
  const canDelete = may("delete") && !l.activated;
  return (
    <Layout title={`${l.product.name} license`} area="console">
      <PageHeader
        title={`${l.product.name} license`}
        lead={
          <>
            <StateBadge state={l.state} /> License <span class="code">{l.id}</span>, version {l.version}.
          </>
        }
      >
        {(canRevoke || canDelete || canModify) && (
          <ul class="license-actions" aria-label="Actions">
            {canModify && (
              <li>
                <a class="button button-primary" href="#modify">
                  Modify
                </a>
              </li>
            )}
            {canRevoke && (
              <li>
                <a class="button button-danger" href={`/licenses/${l.id}/revoke`}>
                  Revoke
                </a>
              </li>
            )}
            {canDelete && (
              <li>
                <a class="button button-secondary" href={`/licenses/${l.id}/delete`}>
                  Delete
                </a>
              </li>
            )}
          </ul>
        )}
      </PageHeader>
      {l.state === "revoked" && (
        <Notice kind="warning">
          This license is revoked: its activations no longer validate and its files are no longer renewed.
        </Notice>
      )}
      {l.state === "expired" && <Notice kind="warning">This license expired on {day(l.expiresAt)}.</Notice>}
      <LicenseFacts {...props} />
      <ParametersCard parameters={props.parameters} />
      {props.subscription && (
        <SubscriptionCard
          subscription={props.subscription}
          licenseId={l.id}
          today={l.today}
          mayChange={holdsRightOn(viewer, props.subscription.categoryId, "revoke")}
        />
      )}
      <ActivationsCard activations={l.activations} />
      {canModify && <ModifyCard license={l} parameters={props.parameters} form={props.modify} />}
      <History
        id="history"
        caption="What happened to this license, newest first"
        empty="Nothing recorded yet."
        events={props.history}
        detail={{ heading: "Changes", cell: summary, last: true }}
      />
    </Layout>
  );
}

function LicenseFacts(props: LicensePageProps) {
  const l = props.license;
  const o = props.order;
  const items: [Child, Child][] = [
    ["Product", `${l.product.name} (code ${l.product.code})`],
    [
      "Order",
      <a href={`/orders/${l.orderId}`}>
        {o ? orderName(o.id, o.externalOrderNumber) : orderName(l.orderId, null)}
      </a>,
    ],
    ["Customer", customerLine(o?.customer ?? null) || <span class="muted">None</span>],
  ];
  if (o?.customer?.email) items.push(["Customer email", o.customer.email]);
  if (o?.ticket) items.push(["Ticket", <span class="code">{o.ticket}</span>]);
  items.push(
    ["Category", props.categoryName ?? <span class="muted">None (created by an ISV admin)</span>],
    ["State", <StateBadge state={l.state} />],
    ["Version", String(l.version)],
    ["Seats", `${l.activeSeats} of ${l.seats} used`],
    ["Expires", day(l.expiresAt) || "Never"],
    ["Maintenance until", day(l.maintenanceUntil) || "No end"],
    ["Features", l.features.length ? l.features.join(", ") : <span class="muted">None</span>],
    ["Created", when(l.createdAt)],
    ["Last changed", when(l.updatedAt)],
  );
  return (
    <Card title="License" id="facts">
      <Facts items={items} />
    </Card>
  );
}

const MODE: Record<ModifiableParameter["mode"], string> = {
  free: "Can be modified",
  flexible: "Can be modified within the category's bounds",
  fixed: "Fixed by the category",
  subscription: "Follows the subscription; changes only by renewal",
  default: "Product default; not configurable in this category",
  static: "The same for every license of the product",
};

function ParametersCard(props: { parameters: ModifiableParameter[] }) {
  if (!props.parameters.length) return null;
  return (
    <Card title="Parameter values" id="parameters">
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">The license's parameter values</caption>
          <thead>
            <tr>
              <th scope="col">Parameter</th>
              <th scope="col">Value</th>
              <th scope="col">As ordered</th>
              <th scope="col">Changes</th>
            </tr>
          </thead>
          <tbody>
            {props.parameters.map((p) => (
              <tr>
                <th scope="row">
                  {p.definition.label} <span class="muted code">{p.definition.key}</span>
                </th>
                <td>{valueText(p.value)}</td>
                <td>
                  {JSON.stringify(p.requested) !== JSON.stringify(p.value) ? valueText(p.requested) : ""}
                </td>
                <td class="muted">{MODE[p.mode]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

function SubscriptionCard(props: {
  subscription: Subscription & { terms: SubscriptionTerm[] };
  licenseId: string;
  today: string;
  mayChange: boolean;
}) {
  const s = props.subscription;
  const ended = s.status === "ended" || (s.status === "cancelled" && props.today > s.endDate);
  const canCancel = props.mayChange && s.status === "active";
  const canWithdraw =
    props.mayChange && s.status === "cancelled" && !ended && props.today <= s.cancellationDeadline;
  const status = ended ? "Ended" : s.status === "cancelled" ? "Cancelled" : "Running";
  const tone: Tone = ended ? "neutral" : s.status === "cancelled" ? "warning" : "success";
  return (
    <Card title="Subscription" id="subscription">
      <Facts
        items={[
          ["Status", <Badge tone={tone}>{status}</Badge>],
          [
            "Type",
            s.type === "license"
              ? "License subscription (drives the expiry)"
              : "Maintenance subscription (drives maintenance)",
          ],
          ["Term", String(s.term)],
          ["Started", s.startDate],
          ["End date", s.endDate],
          ["Cancellation deadline", s.cancellationDeadline],
          ["Cancellation period", s.cancellationPeriod],
          ["Renewal term", s.renewalTerm],
          ...(s.cancelledAt ? [["Cancelled", when(s.cancelledAt)] as [Child, Child]] : []),
          ...(s.endedAt ? [["Ended", when(s.endedAt)] as [Child, Child]] : []),
        ]}
      />
      {s.status === "active" && (
        <p>
          Unless it is cancelled by {s.cancellationDeadline}, it renews by {s.renewalTerm} on its end date.
        </p>
      )}
      {s.status === "cancelled" && !ended && (
        <p>
          It ends on {s.endDate}.
          {props.today <= s.cancellationDeadline
            ? ` The cancellation can be withdrawn until ${s.cancellationDeadline}.`
            : " The cancellation deadline has passed; it can no longer be withdrawn."}
        </p>
      )}
      {s.terms.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption>Terms</caption>
            <thead>
              <tr>
                <th scope="col">Term</th>
                <th scope="col">Kind</th>
                <th scope="col">From</th>
                <th scope="col">Until</th>
                <th scope="col">Cancellation deadline</th>
              </tr>
            </thead>
            <tbody>
              {s.terms.map((t) => (
                <tr>
                  <td>{t.term}</td>
                  <td>{t.kind === "initial" ? "Initial" : "Renewal"}</td>
                  <td>{t.startDate}</td>
                  <td>{t.endDate}</td>
                  <td>{t.cancellationDeadline}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(canCancel || canWithdraw) && (
        <div class="license-actions">
          {canCancel && (
            <ActionForm action={`/licenses/${props.licenseId}/subscription/cancel`} variant="danger">
              Cancel subscription
            </ActionForm>
          )}
          {canWithdraw && (
            <ActionForm action={`/licenses/${props.licenseId}/subscription/withdraw`} variant="secondary">
              Withdraw cancellation
            </ActionForm>
          )}
        </div>
      )}
    </Card>
  );
}

function ActivationsCard(props: { activations: Activation[] }) {
  return (
    <Card title="Activations" id="activations">
      {props.activations.length ? (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Devices this license was activated on</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Fingerprint</th>
                <th scope="col">Activated</th>
                <th scope="col">Last refresh</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {props.activations.map((a) => (
                <tr>
                  <th scope="row">{a.deviceName}</th>
                  <td>
                    <code class="fingerprint" title={a.fingerprint}>
                      {a.fingerprint.length > 16 ? `${a.fingerprint.slice(0, 16)}…` : a.fingerprint}
                    </code>
                  </td>
                  <td>{when(a.createdAt)}</td>
                  <td>{when(a.refreshedAt)}</td>
                  <td>
                    {a.status === "active" ? (
                      <Badge tone="success">Active</Badge>
                    ) : (
                      <Badge tone="neutral">Returned {day(a.returnedAt)}</Badge>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted">No device was activated yet.</p>
      )}
    </Card>
  );
}

/* ---------- the modify form ---------- */

function ModifyCard(props: {
  license: LicenseDetail;
  parameters: ModifiableParameter[];
  form: LicensePageProps["modify"];
}) {
  const errors = props.form?.errors ?? NO_ERRORS;
  const firstError = Object.keys(errors.fields)[0];
  return (
    <Card title="Modify" id="modify">
      <p>
        Changes raise the license to version {props.license.version + 1}; activated devices receive the new
        values with their next refresh.
      </p>
      <Form
        action={`/licenses/${props.license.id}/modify`}
        errors={errors}
        values={props.form?.values}
        idPrefix="modify"
        label="Modify the license"
      >
        <input type="hidden" name={VERSION_FIELD} value={String(props.license.version)} />
        {editable(props.parameters).map((p) => (
          <ParameterControl
            parameter={p}
            error={errors.fields[p.definition.key]}
            autofocus={firstError === p.definition.key}
            entered={props.form?.values[p.definition.key]}
            chosen={props.form?.chosen[p.definition.key]}
          />
        ))}
        <Button>Save changes</Button>
      </Form>
    </Card>
  );
}

const formValue = (v: ParameterValue | null): string =>
  v === null ? "" : Array.isArray(v) ? v.join(",") : String(v);

/** The bounds of a parameter in words, for the hint under its control. */
function boundsHint(p: ModifiableParameter): string | undefined {
  const parts: string[] = [];
  if (p.input === "number") {
    if (p.min !== undefined && p.max !== undefined) parts.push(`From ${p.min} to ${p.max}.`);
    else if (p.min !== undefined) parts.push(`At least ${p.min}.`);
    else if (p.max !== undefined) parts.push(`At most ${p.max}.`);
    if (p.integer) parts.push("A whole number.");
  }
  if (p.input === "date") {
    if (p.minDate && p.maxDate) parts.push(`Between ${p.minDate} and ${p.maxDate}.`);
    else if (p.minDate) parts.push(`On or after ${p.minDate}.`);
    else if (p.maxDate) parts.push(`On or before ${p.maxDate}.`);
    if (p.mode === "free") parts.push("Leave empty for no date.");
  }
  if (p.input === "text" && p.maxLength !== undefined) parts.push(`At most ${p.maxLength} characters.`);
  if (p.mode === "flexible") parts.push("Within this category's bounds.");
  return parts.length ? parts.join(" ") : undefined;
}

/** One labelled control for a parameter, built from its type and the category's bounds. */
function ParameterControl(props: {
  parameter: ModifiableParameter;
  error: string | undefined;
  autofocus: boolean;
  entered: string | undefined;
  chosen: string[] | undefined;
}) {
  const p = props.parameter;
  const key = p.definition.key;
  const id = `modify-${key}`;
  const hint = boundsHint(p);
  const describedBy = [hint ? `${id}-hint` : null, props.error ? `${id}-error` : null]
    .filter(Boolean)
    .join(" ");
  const aria = {
    "aria-describedby": describedBy || undefined,
    "aria-invalid": props.error ? ("true" as const) : undefined,
  };
  const errorLine = props.error && (
    <p class="field-error" id={`${id}-error`}>
      <span class="visually-hidden">Error: </span>
      {props.error}
    </p>
  );
  const hintLine = hint && (
    <div class="hint" id={`${id}-hint`}>
      {hint}
    </div>
  );
  if (p.input === "features") {
    const current = props.chosen ?? (Array.isArray(p.value) ? p.value.map(String) : []);
    return (
      <fieldset class={props.error ? "field choices has-error" : "field choices"} {...aria}>
        <legend>{p.definition.label}</legend>
        {hintLine}
        {errorLine}
        {p.options.map((o, i) => (
          <label class="choice" for={`${id}-${i}`}>
            <input
              type="checkbox"
              id={`${id}-${i}`}
              name={key}
              value={String(o.value)}
              checked={current.includes(String(o.value))}
              autofocus={props.autofocus && i === 0}
            />{" "}
            {o.label}
          </label>
        ))}
      </fieldset>
    );
  }
  const value = props.entered ?? (p.input === "date" ? formValue(p.value) : formValue(p.requested));
  let control: Child;
  if (p.input === "select" || p.input === "boolean") {
    const selected = props.entered ?? formValue(p.requested);
    const known = p.options.some((o) => String(o.value) === selected);
    control = (
      <select id={id} name={key} required autofocus={props.autofocus} {...aria}>
        {!known && <option value={selected}>{selected || "None"} (current)</option>}
        {p.options.map((o) => (
          <option value={String(o.value)} selected={String(o.value) === selected}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (p.input === "number") {
    control = (
      <input
        id={id}
        name={key}
        type="number"
        inputmode="numeric"
        value={value}
        min={p.min}
        max={p.max}
        step={p.integer ? "1" : "any"}
        required
        autofocus={props.autofocus}
        {...aria}
      />
    );
  } else if (p.input === "date") {
    control = (
      <input
        id={id}
        name={key}
        type="date"
        value={value}
        min={p.minDate}
        max={p.maxDate}
        required={p.mode !== "free"}
        autofocus={props.autofocus}
        {...aria}
      />
    );
  } else {
    control = (
      <input
        id={id}
        name={key}
        type="text"
        value={value}
        maxlength={p.maxLength}
        pattern={p.pattern}
        autofocus={props.autofocus}
        {...aria}
      />
    );
  }
  return (
    <FieldFrame id={id} label={p.definition.label} hint={hint} error={props.error} markOptional={false}>
      {control}
    </FieldFrame>
  );
}

/* ---------- history ---------- */

function summary(e: LicenseHistoryEvent): Child {
  const after = (e.after ?? {}) as Record<string, unknown>;
  if (e.action === "activation.created" || e.action === "activation.returned")
    return `Device “${valueText(after.deviceName)}”`;
  if (e.action === "activation.refreshed") return `Version ${valueText(after.version)}`;
  if (e.action === "license.created")
    return `Version 1, ${valueText(after.seats)} seat(s), expires ${valueText(after.expiresAt)}`;
  const lines = changesOf(e.before, e.after);
  if (!lines.length) return <span class="muted">No values changed</span>;
  return (
    <ul class="changes">
      {lines.map((l) => (
        <li>{l}</li>
      ))}
    </ul>
  );
}

/* ---------- confirmations ---------- */

export function ConfirmPage(props: { license: LicenseDetail; action: "revoke" | "delete" }) {
  const l = props.license;
  const revoke = props.action === "revoke";
  const title = revoke ? "Revoke this license?" : "Delete this license?";
  return (
    <Layout title={title} area="console">
      <PageHeader
        title={title}
        lead={
          <>
            {l.product.name}, license <span class="code">{l.id}</span>, {l.activeSeats} of {l.seats} seats
            used.
          </>
        }
      />
      <Card>
        {revoke ? (
          <Notice kind="warning">
            Revoking is final: the license's {l.activeSeats} active{" "}
            {l.activeSeats === 1 ? "activation stops" : "activations stop"} validating, its license files are
            no longer renewed, and it cannot be activated again.
          </Notice>
        ) : (
          <Notice kind="warning">
            Deleting removes the license from its order for good. It was never activated, so no device loses
            it.
          </Notice>
        )}
        <div class="license-actions">
          <ActionForm action={`/licenses/${l.id}/${props.action}`} variant="danger">
            {revoke ? "Revoke the license" : "Delete the license"}
          </ActionForm>
          <a class="button button-secondary" href={`/licenses/${l.id}`}>
            Keep it
          </a>
        </div>
      </Card>
    </Layout>
  );
}
