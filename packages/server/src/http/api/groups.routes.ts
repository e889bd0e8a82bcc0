import { Type } from "typebox";
import type { Services } from "../../services/index.ts";
import type { App } from "../app.ts";
import { errors, Page } from "./common.schema.ts";
import { Group, GroupCreate, GroupListQuery, GroupMove, GroupParams, GroupRename } from "./groups.schema.ts";

const tags = ["groups"];
const security: Record<string, string[]>[] = [{ apiKey: [] }, { session: [] }];
const GroupRef = { $ref: "Group#" };

export async function groupRoutes(app: App, services: Services): Promise<void> {
  app.post(
    "/api/v1/groups",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Create a group",
        description:
          "Admins create subgroups of their group's subtree; ISV admins anywhere under the vendor's root group.",
        body: GroupCreate,
        response: { 201: GroupRef, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await services.groups.create(request.ctx, request.body)),
  );

  app.get(
    "/api/v1/groups",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "List groups",
        description:
          "ISV admins see the whole tree, admins their group's subtree, other users their own group. Parents come before their children.",
        querystring: GroupListQuery,
        response: { 200: Page(Group), ...errors(400, 401) },
      },
    },
    async (request) => services.groups.list(request.ctx, request.query),
  );

  app.get(
    "/api/v1/groups/:id",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Read a group",
        params: GroupParams,
        response: { 200: GroupRef, ...errors(401, 404) },
      },
    },
    async (request) => services.groups.get(request.ctx, request.params.id),
  );

  app.patch(
    "/api/v1/groups/:id",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Rename a group",
        description:
          "Admins rename groups below their own group; their own group is named by the admins above it.",
        params: GroupParams,
        body: GroupRename,
        response: { 200: GroupRef, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => services.groups.rename(request.ctx, request.params.id, request.body.name),
  );

  app.post(
    "/api/v1/groups/:id/move",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Move a group with its subtree",
        description:
          "The group must lie below the caller's own group and the new parent within the caller's subtree; " +
          "a group never moves under itself or its descendants (GROUP_CYCLE). Grants that no longer derive from the vendor afterwards fall.",
        params: GroupParams,
        body: GroupMove,
        response: { 200: GroupRef, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => services.groups.move(request.ctx, request.params.id, request.body.parentId),
  );

  app.delete(
    "/api/v1/groups/:id",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Delete an empty group",
        description:
          "Only a group without subgroups, users and orders (GROUP_NOT_EMPTY names the counts), below the caller's own group.",
        params: GroupParams,
        response: { 204: Type.Null({ description: "Deleted" }), ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await services.groups.delete(request.ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
