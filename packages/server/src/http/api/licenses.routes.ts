import { Type } from "typebox";
import type { Services } from "../../services/index.ts";
import type { App } from "../app.ts";
import { errors, IdempotencyHeader, Page } from "./common.schema.ts";
import { IdParams, License, LicenseListQuery, LicenseModify } from "./orders.schema.ts";

const tags = ["licenses"];
const security = [{ apiKey: [] }];
const LicenseRef = { $ref: "License#" };

export async function licenseRoutes(app: App, services: Services): Promise<void> {
  app.get(
    "/api/v1/licenses",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "List licenses",
        querystring: LicenseListQuery,
        response: { 200: Page(License), ...errors(400, 401) },
      },
    },
    async (request) => services.licenses.list(request.ctx, request.query),
  );

  app.get(
    "/api/v1/licenses/:id",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Read a license with its activations",
        params: IdParams,
        response: {
          200: Type.Intersect([License, Type.Object({ activations: Type.Array(Type.Ref("Activation")) })]),
          ...errors(401, 404),
        },
      },
    },
    async (request) => services.licenses.get(request.ctx, request.params.id),
  );

  app.patch(
    "/api/v1/licenses/:id",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Modify a license",
        description:
          "Changes order-specific values within the product's rules; the version increases and devices get the new values on refresh.",
        params: IdParams,
        headers: IdempotencyHeader,
        body: LicenseModify,
        response: { 200: LicenseRef, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      services.licenses.modify(request.ctx, request.params.id, request.body.parameters, request.body.version),
  );

  app.post(
    "/api/v1/licenses/:id/revoke",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Revoke a license",
        description: "Terminal: its activations stop validating and its files stop refreshing.",
        params: IdParams,
        headers: IdempotencyHeader,
        response: { 200: LicenseRef, ...errors(401, 403, 404) },
      },
    },
    async (request) => services.licenses.revoke(request.ctx, request.params.id),
  );

  app.delete(
    "/api/v1/licenses/:id",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Delete a license that was never activated",
        params: IdParams,
        headers: IdempotencyHeader,
        response: { 204: Type.Null({ description: "Deleted" }), ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await services.licenses.delete(request.ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
