/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { RIGHTS } from "../../domain/rights.ts";
import { Card, Facts, PageHeader } from "./components.tsx";
import { Layout } from "./layout.tsx";
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

export function HomePage() {
  const viewer = usePage().viewer!;
  return (
    <Layout title="Home" area="console">
      <PageHeader title={`Welcome, ${viewer.user.name}`} lead={roleOf(viewer)} />
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
