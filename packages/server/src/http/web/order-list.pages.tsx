/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { DataField } from "../../services/data-field.service.ts";
import type { Order } from "../../services/license.view.ts";
import { Badge, Button, Card, Field, Form, Notice, PageHeader, Select } from "./components.tsx";
import { type FormErrors, type FormValues, NO_ERRORS } from "./forms.ts";
import { Layout } from "./layout.tsx";
import { Pager, when } from "./lists.tsx";
import { usePage, type Viewer } from "./page.ts";

/** A choice of a filter's select: the value sent and what a person reads. */
export interface Choice {
  value: string;
  label: string;
}

export interface OrderListPageProps {
  /** The filters as the query string gave them (shown again in the form, kept by the pager). */
  values: FormValues;
  errors: FormErrors;
  /** The page of orders, or null when the filters could not be applied (errors). */
  orders: Order[] | null;
  nextCursor: string | null;
  products: Choice[];
  categories: Choice[];
  /** Category names by id, for the table. */
  categoryNames: Map<string, string>;
  dataFields: DataField[];
  /** Whether the viewer may create orders (holds `create` somewhere): the "New order" button. */
  canCreate: boolean;
  /** The "find an order by its ticket" form shown again, with what was wrong. */
  find?: { errors: FormErrors; values: FormValues };
}

function leadFor(viewer: Viewer): string {
  if (viewer.user.isIsvAdmin) return "Every order, of every group.";
  if (viewer.user.isAdmin) return "The orders of your group and its subgroups.";
  return "The orders of your group.";
}

const ANY = { value: "", label: "Any" };

function OrderFilters(props: OrderListPageProps) {
  const { values } = props;
  return (
    <Form
      action="/orders"
      method="get"
      class="filters"
      label="Filter orders"
      idPrefix="filter"
      errors={props.errors}
      values={values}
    >
      <Field name="customer" label="Customer" type="search" maxlength={200} hint="Name, email or company" />
      <Field name="externalOrderNumber" label="External order number" maxlength={100} />
      <Select name="product" label="Product" options={[ANY, ...props.products]} />
      <Select name="category" label="Category" options={[ANY, ...props.categories]} />
      <Select
        name="status"
        label="Status"
        options={[ANY, { value: "active", label: "Active" }, { value: "closed", label: "Closed" }]}
      />
      <Field name="createdFrom" label="Created from" type="date" hint="Day, UTC" />
      <Field name="createdTo" label="Created to" type="date" hint="Day, UTC; included" />
      {props.dataFields.length > 0 && (
        <>
          <Select
            name="field"
            label="Data field"
            options={[ANY, ...props.dataFields.map((f) => ({ value: f.key, label: f.label }))]}
          />
          <Field name="fieldValue" label="Data field value" maxlength={200} hint="Exactly this value" />
        </>
      )}
      <Select
        name="sort"
        label="Sort"
        options={[
          { value: "newest", label: "Newest first" },
          { value: "oldest", label: "Oldest first" },
        ]}
      />
      {values.limit && <input type="hidden" name="limit" value={values.limit} />}
      <div class="filters-actions">
        <button type="submit" class="button button-secondary">
          Apply filters
        </button>
        <a href="/orders">Clear</a>
      </div>
    </Form>
  );
}

/**
 * Finding an order by its ticket: a post, so the ticket (a bearer secret) never lands in an
 * address, the browser's history or a server's access log.
 */
function FindByTicket(props: { find?: { errors: FormErrors; values: FormValues } }) {
  return (
    <Form
      action="/orders/find-by-ticket"
      label="Find an order by its ticket"
      idPrefix="find"
      errors={props.find?.errors ?? NO_ERRORS}
      values={props.find?.values ?? {}}
    >
      <Field
        name="ticket"
        label="Ticket"
        required
        maxlength={60}
        autocomplete="off"
        code
        hint="Case-insensitive, dashes optional"
      />
      <Button variant="secondary">Find order</Button>
    </Form>
  );
}

/** "Studio Pro × 2, Bench Studio × 1": the products of an order's licenses, in order. */
export function productSummary(order: Order): string {
  const counts = new Map<string, number>();
  for (const l of order.licenses) counts.set(l.product.name, (counts.get(l.product.name) ?? 0) + 1);
  return [...counts].map(([name, n]) => `${name} × ${n}`).join(", ");
}

function CustomerCell(props: { order: Order }) {
  const c = props.order.customer;
  if (!c) return <span class="muted">None</span>;
  const more = [c.company, c.email].filter((v) => v && v !== c.name);
  return (
    <>
      {c.name ?? c.company ?? c.email}
      {c.name && more.length > 0 && <span class="order-list-more muted">{more.join(" · ")}</span>}
    </>
  );
}

function OrderTable(props: { orders: Order[]; categoryNames: Map<string, string>; dataFields: DataField[] }) {
  const fields = props.dataFields;
  return (
    <div class="table-wrap">
      <table class="order-list">
        <caption class="visually-hidden">Orders on this page</caption>
        <thead>
          <tr>
            <th scope="col">Created</th>
            <th scope="col">External number</th>
            <th scope="col">Customer</th>
            <th scope="col">Category</th>
            <th scope="col">Licenses</th>
            {fields.length > 0 && <th scope="col">Data fields</th>}
            <th scope="col">Status</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {props.orders.map((o) => {
            const name = o.externalOrderNumber ?? `created ${when(o.createdAt)}`;
            return (
              <tr>
                <td class="order-list-when">{when(o.createdAt)}</td>
                <td>{o.externalOrderNumber ?? <span class="muted">None</span>}</td>
                <td>
                  <CustomerCell order={o} />
                </td>
                <td>
                  {o.categoryId === null ? (
                    <span class="muted">None</span>
                  ) : (
                    (props.categoryNames.get(o.categoryId) ?? <span class="muted">Another category</span>)
                  )}
                </td>
                <td>
                  {o.licenses.length}
                  {o.licenses.length > 0 && <span class="order-list-more muted">{productSummary(o)}</span>}
                </td>
                {fields.length > 0 && (
                  <td>
                    {fields
                      .filter((f) => o.dataFields[f.key] !== undefined)
                      .map((f) => (
                        <span class="order-list-field">
                          {f.label}: {String(o.dataFields[f.key])}
                        </span>
                      ))}
                  </td>
                )}
                <td>
                  <Badge tone={o.status === "active" ? "success" : "neutral"}>
                    {o.status === "active" ? "Active" : "Closed"}
                  </Badge>
                </td>
                <td>
                  <a href={`/orders/${o.id}`} aria-label={`View order ${name}`}>
                    View
                  </a>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The orders list: filters, the page of orders, pagination and the CSV export. */
export function OrderListPage(props: OrderListPageProps) {
  const viewer = usePage().viewer!;
  const filtered = Object.entries(props.values).some(
    ([k, v]) => v !== "" && !["sort", "cursor", "limit"].includes(k),
  );
  return (
    <Layout title="Orders" area="console">
      <PageHeader title="Orders" lead={leadFor(viewer)}>
        {props.canCreate && (
          <p>
            <a class="button button-primary" href="/orders/new">
              New order
            </a>
          </p>
        )}
      </PageHeader>
      <Card title="Find an order by its ticket" id="order-find">
        <FindByTicket find={props.find} />
      </Card>
      <Card title="Filters" id="order-filters">
        <OrderFilters {...props} />
      </Card>
      <Card title="Orders" id="order-results">
        {props.orders === null ? (
          <Notice kind="error">Correct the filters above to see the orders.</Notice>
        ) : props.orders.length === 0 ? (
          <p class="muted">
            {filtered
              ? "No orders match these filters."
              : props.values.cursor
                ? "No more orders."
                : "No orders yet."}
          </p>
        ) : (
          <OrderTable
            orders={props.orders}
            categoryNames={props.categoryNames}
            dataFields={props.dataFields}
          />
        )}
        {props.orders !== null && (
          <Pager
            path="/orders"
            query={props.values}
            nextCursor={props.nextCursor}
            shown={props.orders.length}
            noun="orders"
          />
        )}
      </Card>
    </Layout>
  );
}
