import { Type } from "typebox";
import type { Services } from "../../services/index.ts";
import type { App } from "../app.ts";
import { errors } from "./common.schema.ts";

const jwkExample = {
  kty: "OKP",
  crv: "Ed25519",
  x: "9VXxDSSg8w2ZavHxVIVliBe9rX3lpqmk8HKQz5eT-iM",
  kid: "qNnrafdVATVjxloNr3vhMFBOElXndvhaJDrS1ZkQwAY",
  alg: "EdDSA",
  use: "sig",
};
const Jwk = Type.Object(
  {
    kty: Type.String({ description: "Key type: OKP" }),
    crv: Type.String({ description: "Curve: Ed25519" }),
    x: Type.String({ description: "The public key, base64url" }),
    kid: Type.String({ description: "Key id (RFC 7638 thumbprint); the `kid` header of license files" }),
    alg: Type.String({ description: "EdDSA" }),
    use: Type.String({ description: "sig" }),
  },
  { examples: [jwkExample] },
);
const signingKeyExample = {
  kid: jwkExample.kid,
  status: "signing",
  publicJwk: jwkExample,
  createdAt: "2026-11-29T12:00:00.000Z",
  retiredAt: null,
};
const SigningKey = Type.Object(
  {
    kid: Type.String(),
    status: Type.Union([Type.Literal("signing"), Type.Literal("verifying"), Type.Literal("retired")], {
      description: "signing: signs new files (one key); verifying: still verifies; retired: verifies no more",
    }),
    publicJwk: Jwk,
    createdAt: Type.String(),
    retiredAt: Type.Union([Type.String(), Type.Null()]),
  },
  { examples: [signingKeyExample] },
);
const tags = ["signing keys"];
const security = [{ apiKey: [] }];

export async function keyRoutes(app: App, services: Services): Promise<void> {
  app.get(
    "/.well-known/jwks.json",
    {
      schema: {
        tags,
        summary: "Public keys that verify license files (JWKS, RFC 7517)",
        response: { 200: Type.Object({ keys: Type.Array(Jwk) }, { examples: [{ keys: [jwkExample] }] }) },
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
        response: {
          200: Type.Object(
            { data: Type.Array(SigningKey) },
            {
              examples: [
                {
                  data: [
                    {
                      ...signingKeyExample,
                      status: "retired",
                      retiredAt: "2027-06-01T08:00:00.000Z",
                    },
                    {
                      ...signingKeyExample,
                      kid: "1e-jcRUnLnYnC3Q7ugN5lP0aq7bUQndvOzilExZa6Ck",
                      publicJwk: {
                        ...jwkExample,
                        kid: "1e-jcRUnLnYnC3Q7ugN5lP0aq7bUQndvOzilExZa6Ck",
                        x: "dMnJCvW1pfEN1XNeVtNw3ocxfs-yj2-HojPXg8IfPGo",
                      },
                      createdAt: "2027-05-01T08:00:00.000Z",
                    },
                  ],
                },
              ],
            },
          ),
          ...errors(401, 403),
        },
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
