import { Type } from "typebox";
import type { Services } from "../../services/index.ts";
import type { App } from "../app.ts";
import { errors, Id } from "./common.schema.ts";

const apiKeyExample = {
  id: "01a229bb-f974-7000-8018-27ca05643c6b",
  name: "ERP integration",
  prefix: "lic_8fK2xQ7n",
  userId: "01a229ba-84d8-7001-95ce-0d4cdb5b50f1",
  createdAt: "2026-11-29T12:00:00.000Z",
  lastUsedAt: null,
  revokedAt: null,
};
const ApiKey = Type.Object(
  {
    id: Id,
    name: Type.String(),
    prefix: Type.String({ description: "First characters of the key, to tell keys apart" }),
    userId: Id,
    createdAt: Type.String(),
    lastUsedAt: Type.Union([Type.String(), Type.Null()]),
    revokedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { examples: [apiKeyExample] },
);
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
          {
            additionalProperties: false,
            examples: [{ name: "ERP integration" }, { name: "web shop", user: "shop@example.com" }],
          },
        ),
        response: {
          201: Type.Object(
            {
              apiKey: ApiKey,
              secret: Type.String({ description: "The key itself, `lic_…`: shown in this answer only" }),
            },
            {
              examples: [
                { apiKey: apiKeyExample, secret: "lic_8fK2xQ7nVbR3mT9pL4wZ6cY1sD5hJ0gA2eU7iO3kN8q" },
              ],
            },
          ),
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
        response: {
          200: Type.Object({ data: Type.Array(ApiKey) }, { examples: [{ data: [apiKeyExample] }] }),
          ...errors(401),
        },
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
