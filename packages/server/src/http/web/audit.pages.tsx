/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import type { ListedAuditEvent } from "../../services/audit.service.ts";
import { Card, Field, Form, PageHeader, Select } from "./components.tsx";
import type { FormErrors, FormValues } from "./forms.ts";
import { Layout } from "./layout.tsx";
import { type ListQuery, Pager, when } from "./lists.tsx";

/** The kinds of things whose changes the log records, as the entity filter offers them. */
export const ENTITY_TYPES: { value: string; label: string }[] = [
  { value: "order", label: "Orders" },
  { value: "license", label: "Licenses" },
  { value: "activation", label: "Activations" },
  { value: "subscription", label: "Subscriptions" },
  { value: "user", label: "Users" },
  { value: "group", label: "Groups" },
  { value: "grant", label: "Grants" },
  { value: "api_key", label: "API keys" },
  { value: "product", label: "Products" },
  { value: "category", label: "Categories" },
  { value: "data_field", label: "Data fields" },
  { value: "signing_key", label: "Signing keys" },
];

/** Who acted, in words: a user (and the API key it used), a customer, a job or the system. */
export function actorText(e: ListedAuditEvent): string {
  const user = e.actorUser ? `${e.actorUser.name} (${e.actorUser.email})` : null;
  switch (e.actor.type) {
    case "user":
      return user ?? `User ${e.actor.id ?? ""}`.trim();
    case "api_key":
      return `${user ?? "A user"} with the API key “${e.actorKeyName ?? e.actor.id}”`;
    case "customer":
      return "A customer (ticket holder)";
    case "job":
      return "A scheduled job";
    default:
      return "The system";
  }
}

/** A field of the entity's view before or after the change, when it is a string or number. */
function field(e: ListedAuditEvent, key: string): string | number | undefined {
  for (const view of [e.after, e.before])
    if (view && typeof view === "object") {
      const v = (view as Record<string, unknown>)[key];
      if (typeof v === "string" || typeof v === "number") return v;
    }
  return undefined;
}

/**
 * Where the changed thing can be looked at, or null: deleted things have no page, and the
 * catalog's pages are the ISV admins'.
 */
export function entityHref(e: ListedAuditEvent, isIsvAdmin: boolean): string | null {
  if (e.action.endsWith(".deleted")) return null;
  const id = encodeURIComponent(e.entity.id);
  switch (e.entity.type) {
    case "order":
      return `/orders/${id}`;
    case "license":
      return `/licenses/${id}`;
    case "activation":
    case "subscription": {
      const license = field(e, "licenseId");
      return license === undefined ? null : `/licenses/${encodeURIComponent(String(license))}`;
    }
    case "user":
      return `/partners/users/${id}`;
    case "grant": {
      const user = field(e, "userId");
      return user === undefined ? null : `/partners/users/${encodeURIComponent(String(user))}`;
    }
    case "group":
      return `/partners/groups/${id}`;
    case "product": {
      const code = field(e, "code");
      return isIsvAdmin && code !== undefined
        ? `/catalog/products/${encodeURIComponent(String(code))}`
        : null;
    }
    case "category":
      return isIsvAdmin ? `/catalog/categories/${id}` : null;
    default:
      return null;
  }
}

function entityLabel(e: ListedAuditEvent): string {
  const type = ENTITY_TYPES.find((t) => t.value === e.entity.type)?.label.replace(/s$/, "") ?? e.entity.type;
  const name = field(e, "name");
  return name !== undefined ? `${type} “${name}”` : `${type} ${e.entity.id}`;
}

function Changes(props: { event: ListedAuditEvent }) {
  const { before, after } = props.event;
  if (before === null && after === null) return null;
  return (
    <details class="audit-changes">
      <summary>Before and after</summary>
      {before !== null && (
        <>
          <p class="audit-changes-label">Before</p>
          <pre>{JSON.stringify(before, null, 2)}</pre>
        </>
      )}
      {after !== null && (
        <>
          <p class="audit-changes-label">After</p>
          <pre>{JSON.stringify(after, null, 2)}</pre>
        </>
      )}
    </details>
  );
}

export interface AuditPageProps {
  events: ListedAuditEvent[];
  nextCursor: string | null;
  query: ListQuery;
  errors?: FormErrors;
  values: FormValues;
  isIsvAdmin: boolean;
}

/** The audit log: filters, the events newest first, pages, CSV export. */
export function AuditPage(props: AuditPageProps) {
  const failed = props.errors !== undefined;
  return (
    <Layout title="Audit log" area="console">
      <PageHeader
        title="Audit log"
        lead={
          props.isIsvAdmin
            ? "Every change, newest first: who made it, through which channel, and what it changed."
            : "The changes in your group and its subgroups, newest first: who made them, through which channel, and what they changed."
        }
      />
      <Card title="Filters" id="filters">
        <Form
          action="/audit"
          method="get"
          class="filters"
          label="Filter the audit log"
          errors={props.errors}
          values={props.values}
        >
          <Field name="action" label="Action" hint="Exactly, e.g. license.revoked" code maxlength={100} />
          <Select
            name="entityType"
            label="Kind of thing"
            options={[{ value: "", label: "All" }, ...ENTITY_TYPES]}
          />
          <Field name="entityId" label="Id of the thing" code maxlength={100} />
          <Field name="actor" label="Actor" hint="A user's email, or an id" maxlength={254} />
          <Field name="from" label="From" type="date" hint="First day, UTC" />
          <Field name="to" label="To" type="date" hint="Last day, UTC" />
          <div class="filters-actions">
            <button type="submit" class="button button-secondary">
              Apply filters
            </button>
            <a href="/audit">Clear</a>
          </div>
        </Form>
      </Card>
      <Card title="Events" id="events">
        {failed ? (
          <p class="muted">Correct the filters above to see events.</p>
        ) : props.events.length === 0 ? (
          <p class="muted">No events match.</p>
        ) : (
          <div class="table-wrap">
            <table class="audit-table">
              <caption class="visually-hidden">Audit events, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Channel</th>
                  <th scope="col">Action</th>
                  <th scope="col">Changed</th>
                </tr>
              </thead>
              <tbody>
                {props.events.map((e) => {
                  const href = entityHref(e, props.isIsvAdmin);
                  const label: Child = entityLabel(e);
                  return (
                    <tr>
                      <td>{when(e.at)}</td>
                      <td>{actorText(e)}</td>
                      <td>{e.channel}</td>
                      <td>
                        <code>{e.action}</code>
                      </td>
                      <td>
                        {href ? <a href={href}>{label}</a> : label}
                        <Changes event={e} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {!failed && (
          <Pager
            path="/audit"
            query={props.query}
            nextCursor={props.nextCursor}
            shown={props.events.length}
            noun="events"
          />
        )}
      </Card>
    </Layout>
  );
}
