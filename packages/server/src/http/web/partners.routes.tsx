/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../../config/config.ts";
import { AppError, ErrorCode, notFound } from "../../domain/errors.ts";
import { RIGHTS, type Right } from "../../domain/rights.ts";
import type { RevokedGrant } from "../../services/grant.service.ts";
import { canChangeGroup } from "../../services/group.service.ts";
import type { Services } from "../../services/index.ts";
import type { User } from "../../services/user.service.ts";
import { HTTP_STATUS } from "../errors.ts";
import { sendCsv } from "./csv.ts";
import { flash } from "./flash.ts";
import { type FormErrors, formErrors, parseForm, sentence } from "./forms.ts";
import { isAdmin } from "./nav.ts";
import {
  GroupPage,
  type GroupPageProps,
  PartnersPage,
  Tree,
  UserPage,
  type UserPageProps,
} from "./partners.pages.tsx";
import {
  GrantForm,
  GroupCreateForm,
  GroupMoveForm,
  GroupPageQuery,
  GroupRenameForm,
  UserCreateForm,
  UserEditForm,
} from "./partners.schema.ts";
import { parseQuery } from "./query.ts";
import { render, seeOther } from "./render.tsx";

/** Users per page of a group's user list. */
const USERS_PER_PAGE = 50;

type IdParams = { Params: { id: string } };

/**
 * The status a refused form answers with. Refusals that are not about the form's content (not
 * allowed, not found) go to the error page instead: the form was never offered for them.
 */
function formStatus(err: unknown): number {
  if (!(err instanceof AppError)) throw err;
  const status = HTTP_STATUS[err.code];
  if (status === 403 || status === 404) throw err;
  return status;
}

const ticked = (value: string | undefined) => value === "yes";

/** "create and modify" */
function listed(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** What a revocation did, in sentences. */
function revocationMessage(
  user: User,
  categoryName: string,
  asked: Right[],
  result: { revoked: RevokedGrant[]; cascaded: RevokedGrant[]; stillHeld: Right[] },
  viewerIsIsvAdmin: boolean,
): string {
  const revokedRights = RIGHTS.filter((r) => result.revoked.some((g) => g.right === r));
  if (!revokedRights.length)
    return viewerIsIsvAdmin
      ? `Nothing was revoked: ${user.name} holds none of ${listed(asked)} in ${categoryName} through a grant.`
      : `Nothing was revoked: ${user.name} holds none of ${listed(asked)} in ${categoryName} through a grant of yours.`;
  const parts = [`Revoked ${listed(revokedRights)} in ${categoryName} from ${user.name}.`];
  const still = result.stillHeld.filter((r) => revokedRights.includes(r));
  if (still.length)
    parts.push(`${user.name} still holds ${listed(still)} there through a grant by another admin.`);
  if (result.cascaded.length) {
    const shown = result.cascaded
      .slice(0, 5)
      .map((g) => `${g.right} in ${g.category.name} of ${g.user.email ?? g.user.id}`);
    const more = result.cascaded.length - shown.length;
    parts.push(
      `In cascade, ${result.cascaded.length === 1 ? "1 grant" : `${result.cascaded.length} grants`} made from ${result.cascaded.length === 1 ? "it" : "them"} fell: ${shown.join("; ")}${more ? `; and ${more} more` : ""}.`,
    );
  }
  return parts.join(" ");
}

/** Partners (admins): the group tree, a group's users and subgroups, a user's details and rights. */
export async function partnersRoutes(
  app: FastifyInstance,
  services: Services,
  _config: Config,
): Promise<void> {
  await app.register(async (partners) => {
    // The navigation offers Partners to admins only; the services refuse everybody else too.
    partners.addHook("preHandler", async (request) => {
      if (!request.viewer || !isAdmin(request.viewer))
        throw new AppError(
          ErrorCode.FORBIDDEN,
          "only admins manage partners: groups, users and their rights. Ask an admin of your group",
          { required: "admin" },
        );
    });

    const treeOf = async (request: FastifyRequest) => new Tree(await services.groups.tree(request.ctx));

    async function partnersPage(
      request: FastifyRequest,
      reply: FastifyReply,
      extra: { createForm?: { errors: FormErrors; values: Record<string, string> } } = {},
      status = 200,
    ) {
      return render(reply, <PartnersPage tree={await treeOf(request)} {...extra} />, { status });
    }

    async function groupPage(
      request: FastifyRequest,
      reply: FastifyReply,
      id: string,
      extra: Partial<GroupPageProps> = {},
      status = 200,
      cursor?: string,
    ) {
      const group = await services.groups.get(request.ctx, id);
      const tree = await treeOf(request);
      const node = tree.byId.get(group.id);
      if (!node) throw notFound("group", id);
      const users = await services.users.list(request.ctx, { groupId: id, cursor, limit: USERS_PER_PAGE });
      return render(
        reply,
        <GroupPage
          group={node}
          tree={tree}
          users={users}
          query={{ cursor }}
          changeable={canChangeGroup(request.ctx, node)}
          {...extra}
        />,
        { status },
      );
    }

    async function userPage(
      request: FastifyRequest,
      reply: FastifyReply,
      id: string,
      extra: Partial<UserPageProps> = {},
      status = 200,
    ) {
      const user = await services.users.get(request.ctx, id);
      const rights = await services.grants.effective(request.ctx, id);
      const tree = await treeOf(request);
      const group = tree.byId.get(user.groupId);
      if (!group) throw notFound("user", id);
      return render(reply, <UserPage user={user} group={group} tree={tree} rights={rights} {...extra} />, {
        status,
      });
    }

    partners.get("/partners", async (request, reply) => partnersPage(request, reply));

    partners.post("/partners/groups", async (request, reply) => {
      const form = parseForm(GroupCreateForm, request.body);
      if (!form.ok) return partnersPage(request, reply, { createForm: form }, 400);
      try {
        const group = await services.groups.create(request.ctx, form.value);
        flash(reply, "success", `The group “${group.name}” was created.`);
        return seeOther(reply, `/partners/groups/${group.id}`);
      } catch (err) {
        const status = formStatus(err);
        const errors = formErrors(err, ["name", "parentId"]);
        return partnersPage(request, reply, { createForm: { errors, values: form.values } }, status);
      }
    });

    partners.get<IdParams>("/partners/groups/:id", async (request, reply) => {
      const query = parseQuery(GroupPageQuery, request.query);
      return groupPage(request, reply, request.params.id, {}, 200, query.cursor || undefined);
    });

    partners.get<IdParams>("/partners/groups/:id.csv", async (request, reply) => {
      const group = await services.groups.get(request.ctx, request.params.id);
      return sendCsv(
        reply,
        `users-${group.id}.csv`,
        ["email", "name", "role", "enabled", "createdAt"],
        async (cursor: string | undefined) => {
          const page = await services.users.list(request.ctx, { groupId: group.id, cursor, limit: 500 });
          return {
            rows: page.data.map((u) => [
              u.email,
              u.name,
              u.isIsvAdmin ? "ISV admin" : u.isAdmin ? "admin" : "member",
              u.enabled,
              u.createdAt,
            ]),
            next: page.nextCursor,
          };
        },
      );
    });

    partners.post<IdParams>("/partners/groups/:id/subgroups", async (request, reply) => {
      const id = request.params.id;
      const form = parseForm(GroupRenameForm, request.body);
      if (!form.ok) return groupPage(request, reply, id, { subgroupForm: form }, 400);
      try {
        const group = await services.groups.create(request.ctx, { name: form.value.name, parentId: id });
        flash(reply, "success", `The group “${group.name}” was created.`);
        return seeOther(reply, `/partners/groups/${group.id}`);
      } catch (err) {
        const status = formStatus(err);
        const errors = formErrors(err, ["name"]);
        return groupPage(request, reply, id, { subgroupForm: { errors, values: form.values } }, status);
      }
    });

    partners.post<IdParams>("/partners/groups/:id/rename", async (request, reply) => {
      const id = request.params.id;
      const form = parseForm(GroupRenameForm, request.body);
      if (!form.ok) return groupPage(request, reply, id, { renameForm: form }, 400);
      try {
        const group = await services.groups.rename(request.ctx, id, form.value.name);
        flash(reply, "success", `The group is now called “${group.name}”.`);
        return seeOther(reply, `/partners/groups/${id}`);
      } catch (err) {
        const status = formStatus(err);
        const errors = formErrors(err, ["name"]);
        return groupPage(request, reply, id, { renameForm: { errors, values: form.values } }, status);
      }
    });

    partners.post<IdParams>("/partners/groups/:id/move", async (request, reply) => {
      const id = request.params.id;
      const form = parseForm(GroupMoveForm, request.body);
      if (!form.ok) return groupPage(request, reply, id, { moveForm: form }, 400);
      try {
        const group = await services.groups.move(request.ctx, id, form.value.parentId);
        flash(reply, "success", `The group “${group.name}” was moved with its subgroups and users.`);
        return seeOther(reply, `/partners/groups/${id}`);
      } catch (err) {
        const status = formStatus(err);
        const errors = formErrors(err, ["parentId"]);
        return groupPage(request, reply, id, { moveForm: { errors, values: form.values } }, status);
      }
    });

    partners.post<IdParams>("/partners/groups/:id/delete", async (request, reply) => {
      const id = request.params.id;
      const group = await services.groups.get(request.ctx, id);
      try {
        await services.groups.delete(request.ctx, id);
      } catch (err) {
        const status = formStatus(err);
        const message = err instanceof AppError ? sentence(err.message) : "";
        return groupPage(request, reply, id, { deleteError: message }, status);
      }
      flash(reply, "success", `The group “${group.name}” was deleted.`);
      const tree = await treeOf(request);
      return seeOther(
        reply,
        group.parentId && tree.byId.has(group.parentId) ? `/partners/groups/${group.parentId}` : "/partners",
      );
    });

    partners.post<IdParams>("/partners/groups/:id/users", async (request, reply) => {
      const id = request.params.id;
      const form = parseForm(UserCreateForm, request.body);
      if (!form.ok) return groupPage(request, reply, id, { userForm: form }, 400);
      try {
        const user = await services.users.create(request.ctx, {
          email: form.value.email,
          name: form.value.name,
          groupId: id,
          isAdmin: ticked(form.value.isAdmin),
          password: form.value.password ? form.value.password : undefined,
        });
        flash(reply, "success", `${user.name} (${user.email}) was created.`);
        return seeOther(reply, `/partners/users/${user.id}`);
      } catch (err) {
        const status = formStatus(err);
        const errors = formErrors(err, ["email", "name", "password"]);
        return groupPage(request, reply, id, { userForm: { errors, values: form.values } }, status);
      }
    });

    partners.get<IdParams>("/partners/users/:id", async (request, reply) =>
      userPage(request, reply, request.params.id),
    );

    partners.post<IdParams>("/partners/users/:id", async (request, reply) => {
      const id = request.params.id;
      const form = parseForm(UserEditForm, request.body);
      if (!form.ok) return userPage(request, reply, id, { editForm: form }, 400);
      try {
        const user = await services.users.update(request.ctx, id, {
          email: form.value.email,
          name: form.value.name,
          groupId: form.value.groupId,
          isAdmin: ticked(form.value.isAdmin),
          enabled: ticked(form.value.enabled),
        });
        flash(reply, "success", `The changes to ${user.name} were saved.`);
        return seeOther(reply, `/partners/users/${id}`);
      } catch (err) {
        const status = formStatus(err);
        const errors = formErrors(err, ["email", "name", "groupId"]);
        // The checkboxes are shown as they were sent.
        const values = {
          ...form.values,
          isAdmin: form.values.isAdmin ?? "",
          enabled: form.values.enabled ?? "",
        };
        return userPage(request, reply, id, { editForm: { errors, values } }, status);
      }
    });

    partners.post<IdParams>("/partners/users/:id/grants", async (request, reply) => {
      const id = request.params.id;
      const form = parseForm(GrantForm, request.body);
      const categoryId = form.values.categoryId ?? "";
      const again = (errors: FormErrors, status: number) =>
        userPage(request, reply, id, { grantForm: { categoryId, errors } }, status);
      if (!form.ok) return again(form.errors, 400);
      const raw = form.value.rights;
      const rights = [...new Set(raw === undefined ? [] : Array.isArray(raw) ? raw : [raw])];
      if (!rights.length) return again({ form: [], fields: { rights: "Choose at least one right." } }, 400);
      try {
        if (form.value.action === "grant") {
          const user = await services.users.get(request.ctx, id);
          const after = await services.grants.grant(request.ctx, id, categoryId, rights);
          const name = after.find((r) => r.category.id === categoryId)?.category.name ?? "";
          flash(reply, "success", `Granted: ${user.name} now holds ${listed(rights)} in ${name}.`);
        } else {
          const user = await services.users.get(request.ctx, id);
          const result = await services.grants.revokeReporting(request.ctx, id, categoryId, rights);
          const name =
            result.revoked[0]?.category.name ??
            request.viewer!.rights.find((r) => r.category.id === categoryId)?.category.name ??
            "this category";
          const stillHeld = result.rights.filter((r) => r.category.id === categoryId).map((r) => r.right);
          flash(
            reply,
            result.revoked.length ? "success" : "info",
            revocationMessage(user, name, rights, { ...result, stillHeld }, request.ctx.actor.isIsvAdmin),
          );
        }
        return seeOther(reply, `/partners/users/${id}`);
      } catch (err) {
        const status = formStatus(err);
        return again(formErrors(err, { rights: "rights", category: "rights" }), status);
      }
    });
  });
}
