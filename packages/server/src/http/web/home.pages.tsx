/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { RIGHTS } from "../../domain/rights.ts";
import type { Order } from "../../services/license.view.ts";
import type { LicensesPerMonth, MonthlySeries, UpcomingRenewal } from "../../services/report.service.ts";
import { type ChartSeries, monthLabel, StackedBarChart } from "./chart.tsx";
import { Badge, Card, Facts, PageHeader } from "./components.tsx";
import { Layout } from "./layout.tsx";
import { when } from "./lists.tsx";
import { isAdmin } from "./nav.ts";
import type { Viewer } from "./page.ts";
import { usePage } from "./page.ts";

function roleOf(viewer: Viewer): string {
  if (viewer.user.isIsvAdmin) return "ISV admin: every right on every category, and the whole partner tree";
  if (viewer.user.isAdmin) return "Admin of your group: manages its users and subgroups";
  return "Member of your group";
}

/** What the signed-in user may do, per category. */
function RightsTable(props: { viewer: Viewer }) {
  const byCategory = new Map<string, { name: string; rights: Set<string> }>();
  for (const r of props.viewer.rights) {
    const entry = byCategory.get(r.category.id) ?? { name: r.category.name, rights: new Set<string>() };
    entry.rights.add(r.right);
    byCategory.set(r.category.id, entry);
  }
  if (!byCategory.size && props.viewer.user.isIsvAdmin)
    return <p class="muted">You hold every right on every category; no category exists yet.</p>;
  if (!byCategory.size)
    return (
      <p class="muted">
        You hold no rights on any category yet. Ask an admin of your group to grant you some.
      </p>
    );
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">Your rights per category</caption>
        <thead>
          <tr>
            <th scope="col">Category</th>
            {RIGHTS.map((r) => (
              <th scope="col">{r[0]!.toUpperCase() + r.slice(1)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...byCategory.values()].map((c) => (
            <tr>
              <th scope="row">{c.name}</th>
              {RIGHTS.map((r) => (
                <td>{c.rights.has(r) ? "Yes" : <span class="muted">No</span>}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What the dashboard shows besides the user's rights. */
export interface DashboardProps {
  licenses: LicensesPerMonth;
  recentOrders: Order[];
  renewals: UpcomingRenewal[];
  /** How many days ahead `renewals` looks. */
  renewalDays: number;
}

const toChart = (series: MonthlySeries[]): ChartSeries[] =>
  series.map((s) => ({ key: s.key, label: s.label, values: s.counts }));

function LicensesCharts(props: { licenses: LicensesPerMonth }) {
  const { months, byProduct, byGroup, total } = props.licenses;
  const range = `${monthLabel(months[0]!).long} to ${monthLabel(months.at(-1)!).long}`;
  return (
    <Card title="Licenses created per month" id="licenses-per-month">
      <p class="muted">
        {total === 0
          ? `No licenses you can see were created from ${range}.`
          : `${total} ${total === 1 ? "license" : "licenses"} you can see ${total === 1 ? "was" : "were"} created from ${range} (months in UTC).`}
      </p>
      {total > 0 && (
        <>
          <h3>By product</h3>
          <StackedBarChart
            id="chart-products"
            title="Licenses created per month, by product"
            categories={months}
            series={toChart(byProduct)}
            seriesNoun="Product"
            unit="licenses"
          />
          <h3>By group</h3>
          <StackedBarChart
            id="chart-groups"
            title="Licenses created per month, by group"
            categories={months}
            series={toChart(byGroup)}
            seriesNoun="Group"
            unit="licenses"
          />
        </>
      )}
    </Card>
  );
}

/** What an order is called in a list: its external number, else the end of its id. */
function orderName(o: Order): string {
  return o.externalOrderNumber ?? `Order …${o.id.slice(-8)}`;
}

function customerOf(c: { company: string | null; name: string | null } | null): string {
  if (!c) return "";
  return [c.company, c.name].filter(Boolean).join(", ");
}

/** "2 × Studio Pro, 1 × Render Farm". */
function licensesOf(o: Order): string {
  const counts = new Map<string, number>();
  for (const l of o.licenses) counts.set(l.product.name, (counts.get(l.product.name) ?? 0) + 1);
  return [...counts].map(([name, n]) => `${n} × ${name}`).join(", ");
}

function RecentOrders(props: { orders: Order[] }) {
  return (
    <Card title="Recent orders" id="recent-orders">
      {props.orders.length === 0 ? (
        <p class="muted">No orders you can see yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">The ten latest orders you can see</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Created</th>
                <th scope="col">Customer</th>
                <th scope="col">Licenses</th>
              </tr>
            </thead>
            <tbody>
              {props.orders.map((o) => (
                <tr>
                  <th scope="row">
                    <a href={`/orders/${o.id}`}>{orderName(o)}</a>
                  </th>
                  <td>{when(o.createdAt)}</td>
                  <td>{customerOf(o.customer)}</td>
                  <td>{licensesOf(o)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p>
        <a href="/orders">All orders</a>
      </p>
    </Card>
  );
}

function Renewals(props: { renewals: UpcomingRenewal[]; days: number; showGroup: boolean }) {
  return (
    <Card title="Coming up for renewal" id="renewals">
      <p class="muted">
        Subscriptions that renew (when not cancelled by their cancellation deadline) or end within the next{" "}
        {props.days} days.
      </p>
      {props.renewals.length === 0 ? (
        <p class="muted">No subscription you can see renews or ends in that time.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Subscriptions coming up for renewal</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">What happens</th>
                <th scope="col">License</th>
                <th scope="col">Customer</th>
                {props.showGroup && <th scope="col">Group</th>}
              </tr>
            </thead>
            <tbody>
              {props.renewals.map((r) => (
                <tr>
                  <td>{r.on}</td>
                  <td>
                    {r.next === "renews" ? (
                      <Badge tone="info">Renews unless cancelled</Badge>
                    ) : (
                      <Badge tone="warning">Ends</Badge>
                    )}
                    {r.next === "renews" && <span class="muted"> (term ends {r.endDate})</span>}
                  </td>
                  <th scope="row">
                    <a href={`/licenses/${r.licenseId}`}>{r.productName ?? `Product ${r.productCode}`}</a>
                    {r.externalOrderNumber && <span class="muted"> · {r.externalOrderNumber}</span>}
                  </th>
                  <td>{customerOf({ company: r.customerCompany, name: r.customerName })}</td>
                  {props.showGroup && <td>{r.groupName ?? ""}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

/** The start page: licenses per month, recent orders, upcoming renewals, and the user's rights. */
export function HomePage(props: DashboardProps) {
  const viewer = usePage().viewer!;
  return (
    <Layout title="Dashboard" area="console">
      <PageHeader title={`Welcome, ${viewer.user.name}`} lead={roleOf(viewer)} />
      <LicensesCharts licenses={props.licenses} />
      <RecentOrders orders={props.recentOrders} />
      <Renewals renewals={props.renewals} days={props.renewalDays} showGroup={isAdmin(viewer)} />
      <Card title="Your rights">
        <RightsTable viewer={viewer} />
      </Card>
    </Layout>
  );
}

export function AccountPage(props: { sessionExpiresAt: string }) {
  const viewer = usePage().viewer!;
  return (
    <Layout title="Account" area="console">
      <PageHeader title="Account" />
      <Card title="You">
        <Facts
          items={[
            ["Name", viewer.user.name],
            ["Email", viewer.user.email],
            ["Role", roleOf(viewer)],
            ["This session ends", `${props.sessionExpiresAt.slice(0, 16).replace("T", " ")} UTC`],
          ]}
        />
        <p>
          <a class="button button-secondary" href="/account/password">
            Change password
          </a>
        </p>
      </Card>
    </Layout>
  );
}
