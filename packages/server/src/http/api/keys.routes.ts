import { Type } from "typebox";
import type { Services } from "../../services/index.ts";
import type { App } from "../app.ts";
import { errors } from "./common.schema.ts";

const Jwk = Type.Object({
  kty: Type.String(),
  crv: Type.String(),
  x: Type.String(),
  kid: Type.String(),
  alg: Type.String(),
  use: Type.String(),
});
const SigningKey = Type.Object({
  kid: Type.String(),
  status: Type.Union([Type.Literal("signing"), Type.Literal("verifying"), Type.Literal("retired")]),
  publicJwk: Jwk,
  createdAt: Type.String(),
  retiredAt: Type.Union([Type.String(), Type.Null()]),
});
const tags = ["signing keys"];
const security = [{ apiKey: [] }];

export async function keyRoutes(app: App, services: Services): Promise<void> {
  app.get(
    "/.well-known/jwks.json",
    {
      schema: {
        tags,
        summary: "Public keys that verify license files (JWKS, RFC 7517)",
        response: { 200: Type.Object({ keys: Type.Array(Jwk) }) },
      },
    },
    async (_request, reply) => {
      reply.header("cache-control", "public, max-age=300");
      return services.keys.jwks();
    },
  );

  app.get(
    "/api/v1/signing-keys",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "List signing keys",
        response: { 200: Type.Object({ data: Type.Array(SigningKey) }), ...errors(401, 403) },
      },
    },
    async (request) => ({ data: await services.keys.list(request.ctx) }),
  );

  app.post(
    "/api/v1/signing-keys/rotate",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Rotate: a new key signs from now on",
        description: "The previous signing key keeps verifying until it is retired.",
        response: { 201: SigningKey, ...errors(401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await services.keys.rotate(request.ctx)),
  );

  app.post(
    "/api/v1/signing-keys/:kid/retire",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Retire a key: files it signed no longer verify",
        params: Type.Object({ kid: Type.String({ maxLength: 100 }) }),
        response: { 200: SigningKey, ...errors(401, 403, 404, 409) },
      },
    },
    async (request) => services.keys.retire(request.ctx, request.params.kid),
  );
}
