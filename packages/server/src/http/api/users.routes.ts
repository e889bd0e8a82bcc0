import { Type } from "typebox";
import type { Services } from "../../services/index.ts";
import type { App } from "../app.ts";
import { errors, Page } from "./common.schema.ts";
import {
  EffectiveRights,
  GrantChange,
  PasswordChange,
  User,
  UserCreate,
  UserListQuery,
  UserParams,
  UserUpdate,
} from "./users.schema.ts";

const tags = ["users"];
const security: Record<string, string[]>[] = [{ apiKey: [] }, { session: [] }];
const UserRef = { $ref: "User#" };

export async function userRoutes(app: App, services: Services): Promise<void> {
  app.post(
    "/api/v1/users",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Create a user",
        description: "Admins create users in their group's subtree; ISV admins in any group.",
        body: UserCreate,
        response: { 201: UserRef, ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await services.users.create(request.ctx, request.body)),
  );

  app.get(
    "/api/v1/users",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "List users",
        description: "Admins only: the users of the caller's subtree (ISV admins: everybody), by email.",
        querystring: UserListQuery,
        response: { 200: Page(User), ...errors(400, 401, 403) },
      },
    },
    async (request) => services.users.list(request.ctx, request.query),
  );

  app.get(
    "/api/v1/users/me",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Read the caller's own user",
        response: { 200: UserRef, ...errors(401) },
      },
    },
    async (request) => services.users.me(request.ctx),
  );

  app.post(
    "/api/v1/users/me/password",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Change the caller's own password",
        description:
          "Checks the current password (under the sign-in lock-out delay) and ends the caller's other sessions; the session making the change stays signed in.",
        body: PasswordChange,
        response: { 204: Type.Null({ description: "Changed" }), ...errors(400, 401, 429) },
      },
    },
    async (request, reply) => {
      await services.users.changePassword(request.ctx, request.body, request.cookieSession?.id ?? null);
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/api/v1/users/:id",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Read a user",
        description: "Users read themselves; admins the users of their subtree.",
        params: UserParams,
        response: { 200: UserRef, ...errors(401, 403, 404) },
      },
    },
    async (request) => services.users.get(request.ctx, request.params.id),
  );

  app.patch(
    "/api/v1/users/:id",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Change a user",
        description:
          "Admins change users of their subtree and place them only in groups of it. Changing `isAdmin`, `enabled` or `groupId` " +
          "re-derives grants: those that no longer derive from the vendor fall in cascade. The last enabled ISV admin cannot be demoted, disabled or moved (LAST_ISV_ADMIN).",
        params: UserParams,
        body: UserUpdate,
        response: { 200: UserRef, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => services.users.update(request.ctx, request.params.id, request.body),
  );

  app.post(
    "/api/v1/users/:id/disable",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Disable a user",
        description:
          "The user can no longer sign in or use its API keys; its sessions end and the grants it made fall in cascade.",
        params: UserParams,
        response: { 200: UserRef, ...errors(401, 403, 404, 409) },
      },
    },
    async (request) => services.users.update(request.ctx, request.params.id, { enabled: false }),
  );

  app.post(
    "/api/v1/users/:id/enable",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Enable a disabled user",
        params: UserParams,
        response: { 200: UserRef, ...errors(401, 403, 404) },
      },
    },
    async (request) => services.users.update(request.ctx, request.params.id, { enabled: true }),
  );

  app.get(
    "/api/v1/users/:id/grants",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "A user's effective rights and where each comes from",
        description: "Users read their own; admins those of the users of their subtree.",
        params: UserParams,
        response: { 200: EffectiveRights, ...errors(401, 404) },
      },
    },
    async (request) => ({ data: await services.grants.effective(request.ctx, request.params.id) }),
  );

  app.post(
    "/api/v1/users/:id/grants",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Grant rights on a category",
        description:
          "Admins grant, to users of their subtree, only rights they hold themselves on that category; each grant records its grantor. Answers the user's effective rights.",
        params: UserParams,
        body: GrantChange,
        response: { 200: EffectiveRights, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      data: await services.grants.grant(
        request.ctx,
        request.params.id,
        request.body.categoryId,
        request.body.rights,
      ),
    }),
  );

  app.post(
    "/api/v1/users/:id/grants/revoke",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Revoke rights on a category",
        description:
          "Revokes the grants the caller made (ISV admins: every grant of those rights to the user), then cascades: grants that " +
          "existed only through them fall too, unless their holder still receives the right through another chain. Answers the user's effective rights.",
        params: UserParams,
        body: GrantChange,
        response: { 200: EffectiveRights, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      data: await services.grants.revoke(
        request.ctx,
        request.params.id,
        request.body.categoryId,
        request.body.rights,
      ),
    }),
  );
}
