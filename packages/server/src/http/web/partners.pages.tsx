/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { PASSWORD_MIN_LENGTH } from "../../domain/login.ts";
import { RIGHTS, type Right, SYSTEM_GRANTOR } from "../../domain/rights.ts";
import type { EffectiveRight } from "../../services/grant.service.ts";
import type { GroupNode } from "../../services/group.service.ts";
import type { User } from "../../services/user.service.ts";
import { Badge, Button, Card, Facts, Field, Form, Notice, PageHeader, Select } from "./components.tsx";
import { type FormErrors, type FormValues, NO_ERRORS } from "./forms.ts";
import { Layout } from "./layout.tsx";
import { type ListQuery, Pager, when } from "./lists.tsx";
import { usePage } from "./page.ts";

/** A form shown again with what was entered and what was wrong with it. */
export interface FormAgain {
  errors: FormErrors;
  values: FormValues;
}

/** What the partner pages know about the tree: the groups the viewer manages, by id. */
export class Tree {
  readonly byId: Map<string, GroupNode>;

  constructor(readonly groups: GroupNode[]) {
    this.byId = new Map(groups.map((g) => [g.id, g]));
  }

  /** The top groups of the viewer's part of the tree: the root for ISV admins, an admin's own group. */
  tops(): GroupNode[] {
    return this.groups.filter((g) => g.parentId === null || !this.byId.has(g.parentId));
  }

  children(id: string): GroupNode[] {
    return this.groups.filter((g) => g.parentId === id);
  }

  /** The group's ancestors the viewer manages, top first (the group itself not included). */
  ancestors(g: GroupNode): GroupNode[] {
    return g.path
      .split("/")
      .filter((id) => id && id !== g.id)
      .map((id) => this.byId.get(id))
      .filter((a): a is GroupNode => a !== undefined);
  }

  /** "Vendor › Resellers › Acme": a group named by its way down from the viewer's top. */
  label(g: GroupNode): string {
    return [...this.ancestors(g), g].map((a) => a.name).join(" › ");
  }

  /** Options for a group select, parents before children; `except` leaves groups out. */
  options(except: (g: GroupNode) => boolean = () => false): { value: string; label: string }[] {
    return this.groups.filter((g) => !except(g)).map((g) => ({ value: g.id, label: this.label(g) }));
  }
}

const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);
const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

/** "Create in Partners": the label of one right on one category. */
export const rightLabel = (right: Right, category: string) => `${capital(right)} in ${category}`;

/** A labelled checkbox (the label after the box, as people expect). */
function Checkbox(props: { id: string; name: string; value: string; label: Child; checked?: boolean }) {
  return (
    <div class="check">
      <input type="checkbox" id={props.id} name={props.name} value={props.value} checked={props.checked} />
      <label for={props.id}>{props.label}</label>
    </div>
  );
}

function roleBadge(u: User) {
  if (u.isIsvAdmin) return <Badge tone="info">ISV admin</Badge>;
  if (u.isAdmin) return <Badge tone="info">Admin</Badge>;
  return <Badge tone="neutral">Member</Badge>;
}

function stateBadge(u: User) {
  return u.enabled ? <Badge tone="success">Enabled</Badge> : <Badge tone="danger">Disabled</Badge>;
}

function GroupTreeList(props: { tree: Tree; groups: GroupNode[]; ownGroupId: string | null }) {
  return (
    <ul class="group-tree">
      {props.groups.map((g) => {
        const children = props.tree.children(g.id);
        return (
          <li>
            <a href={`/partners/groups/${g.id}`}>{g.name}</a>{" "}
            <span class="muted">
              {plural(g.userCount, "user")}
              {g.id === props.ownGroupId ? " · your group" : ""}
            </span>
            {children.length > 0 && (
              <GroupTreeList tree={props.tree} groups={children} ownGroupId={props.ownGroupId} />
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** GET /partners: the tree the viewer manages and the form for a new group. */
export function PartnersPage(props: { tree: Tree; createForm?: FormAgain }) {
  const viewer = usePage().viewer!;
  const tops = props.tree.tops();
  return (
    <Layout title="Partners" area="console">
      <PageHeader
        title="Partners"
        lead={
          viewer.user.isIsvAdmin
            ? "The whole partner tree under the vendor's root group. Open a group to manage its users, subgroups and their rights."
            : "Your group and the groups below it. Open a group to manage its users, subgroups and their rights."
        }
      />
      <Card title="Group tree" id="tree">
        <GroupTreeList tree={props.tree} groups={tops} ownGroupId={viewer.user.groupId} />
      </Card>
      <Card title="New group" id="new-group">
        <Form
          action="/partners/groups"
          errors={props.createForm?.errors}
          values={props.createForm?.values ?? { parentId: viewer.user.groupId }}
          idPrefix="new-group"
          label="New group"
        >
          <Field name="name" label="Name" required maxlength={200} />
          <Select
            name="parentId"
            label="Parent group"
            required
            hint="The new group goes under this group."
            options={props.tree.options()}
          />
          <Button>Create group</Button>
        </Form>
      </Card>
    </Layout>
  );
}

export interface GroupPageProps {
  group: GroupNode;
  tree: Tree;
  users: { data: User[]; nextCursor: string | null };
  query: ListQuery;
  /** Whether the viewer may rename, move and delete this group. */
  changeable: boolean;
  userForm?: FormAgain;
  subgroupForm?: FormAgain;
  renameForm?: FormAgain;
  moveForm?: FormAgain;
  /** Why the group could not be deleted. */
  deleteError?: string;
}

/** GET /partners/groups/:id: a group's users, its subgroups, and what can be done with it. */
export function GroupPage(props: GroupPageProps) {
  const { group, tree } = props;
  const ancestors = tree.ancestors(group);
  const subgroups = tree.children(group.id);
  const path = `/partners/groups/${group.id}`;
  return (
    <Layout title={group.name} area="console">
      <PageHeader title={group.name}>
        <nav aria-label="Breadcrumb" class="breadcrumb">
          <ol>
            <li>
              <a href="/partners">Partners</a>
            </li>
            {ancestors.map((a) => (
              <li>
                <a href={`/partners/groups/${a.id}`}>{a.name}</a>
              </li>
            ))}
            <li aria-current="page">{group.name}</li>
          </ol>
        </nav>
      </PageHeader>

      <Card title="Users" id="users">
        {props.users.data.length === 0 && !props.query.cursor ? (
          <p class="muted">No users in this group yet.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Users of {group.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {props.users.data.map((u) => (
                  <tr>
                    <th scope="row">
                      <a href={`/partners/users/${u.id}`}>{u.name}</a>
                    </th>
                    <td>{u.email}</td>
                    <td>{roleBadge(u)}</td>
                    <td>{stateBadge(u)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager
          path={path}
          query={props.query}
          nextCursor={props.users.nextCursor}
          shown={props.users.data.length}
          noun="users"
        />
      </Card>

      <Card title="New user" id="new-user">
        <Form
          action={`${path}/users`}
          errors={props.userForm?.errors}
          values={props.userForm?.values}
          idPrefix="new-user"
          label="New user"
        >
          <Field name="email" label="Email" type="email" required maxlength={254} autocomplete="off" />
          <Field name="name" label="Name" required maxlength={200} autocomplete="off" />
          <Field
            name="password"
            label="Initial password"
            type="password"
            autocomplete="new-password"
            minlength={PASSWORD_MIN_LENGTH}
            hint={`At least ${PASSWORD_MIN_LENGTH} characters; give it to the person, who can change it under Account. Without one the user cannot sign in until an ISV admin sets one (API keys still work).`}
          />
          <Checkbox
            id="new-user-isAdmin"
            name="isAdmin"
            value="yes"
            checked={props.userForm?.values.isAdmin === "yes"}
            label="Admin of this group: manages its users and subgroups and grants the rights it holds"
          />
          <Button>Create user</Button>
        </Form>
      </Card>

      <Card title="Subgroups" id="subgroups">
        {subgroups.length === 0 ? (
          <p class="muted">No subgroups.</p>
        ) : (
          <GroupTreeList tree={tree} groups={subgroups} ownGroupId={null} />
        )}
        <Form
          action={`${path}/subgroups`}
          errors={props.subgroupForm?.errors}
          values={props.subgroupForm?.values}
          idPrefix="subgroup"
          label="New subgroup"
        >
          <Field name="name" label="Name of a new subgroup" required maxlength={200} />
          <Button variant="secondary">Create subgroup</Button>
        </Form>
      </Card>

      <Card title="Manage this group" id="manage">
        {props.changeable ? (
          <GroupActions {...props} path={path} />
        ) : (
          <p class="muted">
            {group.parentId === null
              ? "The vendor's root group is the top of the tree: it is not moved or deleted."
              : "This is your own group: the admins of the group above it rename, move or delete it."}
          </p>
        )}
      </Card>
    </Layout>
  );
}

function GroupActions(props: GroupPageProps & { path: string }) {
  const { group, tree, path } = props;
  // A group never moves under itself or its descendants; the service refuses it as well.
  const parents = tree.options((g) => g.path.startsWith(group.path));
  return (
    <>
      <Form
        action={`${path}/rename`}
        errors={props.renameForm?.errors}
        values={props.renameForm?.values ?? { name: group.name }}
        idPrefix="rename"
        label="Rename group"
      >
        <Field name="name" label="New name" required maxlength={200} />
        <Button variant="secondary">Rename</Button>
      </Form>
      <Form
        action={`${path}/move`}
        errors={props.moveForm?.errors}
        values={props.moveForm?.values ?? { parentId: group.parentId ?? "" }}
        idPrefix="move"
        label="Move group"
      >
        <Select
          name="parentId"
          label="Move under"
          required
          hint="The group moves with its subgroups and users. Grants that an admin made to users who are no longer below that admin fall."
          options={parents}
        />
        <Button variant="secondary">Move</Button>
      </Form>
      <div class="subsection">
        <h3>Delete</h3>
        {props.deleteError && <Notice kind="error">{props.deleteError}</Notice>}
        <p class="muted">Only an empty group can be deleted: no subgroups, users or orders.</p>
        <Form action={`${path}/delete`} idPrefix="delete" label="Delete group" class="inline-form">
          <Button variant="danger" label={`Delete ${group.name}`}>
            Delete group
          </Button>
        </Form>
      </div>
    </>
  );
}

export interface UserPageProps {
  user: User;
  group: GroupNode;
  tree: Tree;
  rights: EffectiveRight[];
  editForm?: FormAgain;
  /** The grant form of one category, shown again with its errors. */
  grantForm?: { categoryId: string; errors: FormErrors };
}

/** The sources of one right, in words. */
function sourceOf(r: EffectiveRight): Child {
  if (r.via === "isvAdmin") return "ISV admin: holds every right on every category";
  return (
    <ul class="plain-list">
      {r.grants.map((g) => (
        <li>
          {g.grantor.id === SYSTEM_GRANTOR
            ? "Granted by the vendor (set-up or command line)"
            : `Granted by ${g.grantor.email ?? "a user who no longer exists"}`}{" "}
          <span class="muted">on {when(g.createdAt)}</span>
        </li>
      ))}
    </ul>
  );
}

/** The user's effective rights, one table per category, with where each comes from. */
function RightsTables(props: { user: User; rights: EffectiveRight[] }) {
  const byCategory = new Map<string, { name: string; rights: EffectiveRight[] }>();
  for (const r of props.rights) {
    const entry = byCategory.get(r.category.id) ?? { name: r.category.name, rights: [] };
    entry.rights.push(r);
    byCategory.set(r.category.id, entry);
  }
  if (!byCategory.size) return <p class="muted">{props.user.name} holds no rights on any category.</p>;
  return (
    <>
      {[...byCategory.entries()].map(([id, c]) => (
        <div class="table-wrap">
          <table id={`rights-${id}`}>
            <caption>{c.name}</caption>
            <thead>
              <tr>
                <th scope="col">Right</th>
                <th scope="col">Comes from</th>
              </tr>
            </thead>
            <tbody>
              {c.rights.map((r) => (
                <tr>
                  <th scope="row">{capital(r.right)}</th>
                  <td>{sourceOf(r)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </>
  );
}

/**
 * One form per category on which the viewer holds rights, offering exactly those rights. Revoke
 * is offered where the user holds a grant the viewer may revoke: one the viewer made (ISV
 * admins: any).
 */
function GrantForms(props: UserPageProps) {
  const viewer = usePage().viewer!;
  const held = new Map<string, { name: string; rights: Right[] }>();
  for (const r of viewer.rights) {
    const entry = held.get(r.category.id) ?? { name: r.category.name, rights: [] };
    entry.rights.push(r.right);
    held.set(r.category.id, entry);
  }
  if (!held.size) return <p class="muted">You hold no rights on any category, so you have none to grant.</p>;
  const revocable = (categoryId: string) =>
    props.rights.some(
      (r) =>
        r.category.id === categoryId &&
        r.via === "grant" &&
        (viewer.user.isIsvAdmin || r.grants.some((g) => g.grantor.id === viewer.user.id)),
    );
  const path = `/partners/users/${props.user.id}/grants`;
  // A form sent for a category this page does not offer (it was deleted meanwhile, or the form
  // was forged) has no form to show its errors in: they go above the forms.
  const stray = props.grantForm && !held.has(props.grantForm.categoryId) ? props.grantForm.errors : null;
  return (
    <>
      {stray && (
        <Notice kind="error">
          {[...stray.form, ...Object.values(stray.fields)].join(" ") || "This category is not offered here."}
        </Notice>
      )}
      <p class="muted">
        You can grant only the rights you hold yourself, and revoke only the grants you made. Revoking a right
        from an admin also revokes the grants that admin made of it, unless they come from another admin too.
      </p>
      {[...held.entries()].map(([categoryId, c]) => {
        const prefix = `grant-${categoryId}`;
        const again = props.grantForm?.categoryId === categoryId ? props.grantForm.errors : NO_ERRORS;
        const rightsError = again.fields.rights;
        return (
          <Form
            action={path}
            errors={{ form: [...again.form], fields: {} }}
            idPrefix={prefix}
            label={`Rights in ${c.name}`}
            class="grant-form"
          >
            <input type="hidden" name="categoryId" value={categoryId} />
            <fieldset aria-describedby={rightsError ? `${prefix}-rights-error` : undefined}>
              <legend>{c.name}</legend>
              {rightsError && (
                <p class="field-error" id={`${prefix}-rights-error`}>
                  <span class="visually-hidden">Error: </span>
                  {rightsError}
                </p>
              )}
              <div class="checks">
                {RIGHTS.filter((r) => c.rights.includes(r)).map((r) => (
                  <Checkbox id={`${prefix}-${r}`} name="rights" value={r} label={rightLabel(r, c.name)} />
                ))}
              </div>
            </fieldset>
            <div class="form-actions">
              <Button name="action" value="grant" label={`Grant the selected rights in ${c.name}`}>
                Grant
              </Button>
              {revocable(categoryId) && (
                <Button
                  name="action"
                  value="revoke"
                  variant="danger"
                  label={`Revoke the selected rights in ${c.name}`}
                >
                  Revoke
                </Button>
              )}
            </div>
          </Form>
        );
      })}
    </>
  );
}

/** GET /partners/users/:id: who the user is, its changes, its rights and their sources. */
export function UserPage(props: UserPageProps) {
  const viewer = usePage().viewer!;
  const { user, group, tree } = props;
  const values = props.editForm?.values ?? {
    email: user.email,
    name: user.name,
    groupId: user.groupId,
    isAdmin: user.isAdmin ? "yes" : "",
    enabled: user.enabled ? "yes" : "",
  };
  const self = user.id === viewer.user.id;
  return (
    <Layout title={user.name} area="console">
      <PageHeader title={user.name} lead={user.email}>
        <nav aria-label="Breadcrumb" class="breadcrumb">
          <ol>
            <li>
              <a href="/partners">Partners</a>
            </li>
            {[...tree.ancestors(group), group].map((a) => (
              <li>
                <a href={`/partners/groups/${a.id}`}>{a.name}</a>
              </li>
            ))}
            <li aria-current="page">{user.name}</li>
          </ol>
        </nav>
      </PageHeader>

      <Card title="Details" id="details">
        <Facts
          items={[
            ["Email", user.email],
            ["Group", <a href={`/partners/groups/${group.id}`}>{tree.label(group)}</a>],
            ["Role", roleBadge(user)],
            ["Status", stateBadge(user)],
            ["Password", user.hasPassword ? "Set" : "None: cannot sign in"],
            ...(user.lockedUntil ? [["Sign-in waits until", when(user.lockedUntil)] as [Child, Child]] : []),
            ["Created", when(user.createdAt)],
            ["Last changed", user.updatedAt ? when(user.updatedAt) : "Never"],
          ]}
        />
      </Card>

      <Card title="Rights" id="rights">
        <RightsTables user={user} rights={props.rights} />
        <h3>Grant or revoke</h3>
        {user.isIsvAdmin ? (
          <p class="muted">An ISV admin holds every right on every category; grants add nothing.</p>
        ) : self ? (
          <p class="muted">These are your own rights: the admins above you grant and revoke them.</p>
        ) : (
          <GrantForms {...props} />
        )}
      </Card>

      <Card title="Change user" id="edit">
        <Form
          action={`/partners/users/${user.id}`}
          errors={props.editForm?.errors}
          values={values}
          idPrefix="edit"
          label="Change user"
        >
          <Field name="email" label="Email" type="email" required maxlength={254} autocomplete="off" />
          <Field name="name" label="Name" required maxlength={200} autocomplete="off" />
          <Select
            name="groupId"
            label="Group"
            required
            hint="Moving a user to a group outside an admin's subtree drops the grants that admin made to it."
            options={tree.options()}
          />
          <Checkbox
            id="edit-isAdmin"
            name="isAdmin"
            value="yes"
            checked={values.isAdmin === "yes"}
            label="Admin of its group"
          />
          <Checkbox
            id="edit-enabled"
            name="enabled"
            value="yes"
            checked={values.enabled === "yes"}
            label="Enabled: may sign in and use its API keys"
          />
          <p class="hint">
            Taking away the admin role or disabling the user also revokes the grants it made, in cascade.
          </p>
          <Button>Save changes</Button>
        </Form>
      </Card>
    </Layout>
  );
}
