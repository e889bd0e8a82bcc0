import { Type } from "typebox";
import type { Services } from "../../services/index.ts";
import type { App } from "../app.ts";
import { errors, Id } from "./common.schema.ts";

const ApiKey = Type.Object({
  id: Id,
  name: Type.String(),
  prefix: Type.String({ description: "First characters of the key, to tell keys apart" }),
  userId: Id,
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});
const tags = ["api keys"];
const security = [{ apiKey: [] }];

export async function apiKeyRoutes(app: App, services: Services): Promise<void> {
  app.post(
    "/api/v1/api-keys",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Create an API key",
        description:
          "The key acts with its user's rights. The secret is in this answer only; it is stored hashed.",
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            user: Type.Optional(
              Type.String({
                format: "email",
                description: "Email of the user the key acts for (ISV admins); default: the caller",
              }),
            ),
          },
          { additionalProperties: false, examples: [{ name: "ERP integration" }] },
        ),
        response: {
          201: Type.Object({ apiKey: ApiKey, secret: Type.String() }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await services.apiKeys.create(request.ctx, {
          name: request.body.name,
          userEmail: request.body.user,
        }),
      ),
  );

  app.get(
    "/api/v1/api-keys",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "List API keys",
        response: { 200: Type.Object({ data: Type.Array(ApiKey) }), ...errors(401) },
      },
    },
    async (request) => ({ data: await services.apiKeys.list(request.ctx) }),
  );

  app.post(
    "/api/v1/api-keys/:id/revoke",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Revoke an API key",
        params: Type.Object({ id: Id }),
        response: { 200: ApiKey, ...errors(401, 404) },
      },
    },
    async (request) => services.apiKeys.revoke(request.ctx, request.params.id),
  );
}
