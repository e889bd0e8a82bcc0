import type { IncomingMessage, ServerResponse } from "node:http";
import cookie from "@fastify/cookie";
import helmet from "@fastify/helmet";
import rateLimit, { type FastifyRateLimitStoreCtor } from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RawServerDefault,
} from "fastify";
import type { Logger } from "pino";
import type { Config } from "../config/config.ts";
import { AppError, ErrorCode } from "../domain/errors.ts";
import type { Ctx } from "../services/context.ts";
import type { Services } from "../services/index.ts";
import { SESSION_COOKIE, type SessionInfo, sameSecret } from "../services/session.service.ts";
import type { Db } from "../store/db.ts";
import { activationRoutes } from "./api/activations.routes.ts";
import { apiKeyRoutes } from "./api/api-keys.routes.ts";
import { auditRoutes } from "./api/audit-events.routes.ts";
import { categoryRoutes } from "./api/categories.routes.ts";
import { Category } from "./api/categories.schema.ts";
import { ErrorResponse } from "./api/common.schema.ts";
import { dataFieldRoutes } from "./api/data-fields.routes.ts";
import { groupRoutes } from "./api/groups.routes.ts";
import { Group } from "./api/groups.schema.ts";
import { jobRoutes } from "./api/jobs.routes.ts";
import { keyRoutes } from "./api/keys.routes.ts";
import { licenseRoutes } from "./api/licenses.routes.ts";
import { orderRoutes } from "./api/orders.routes.ts";
import { Activation, License, Order } from "./api/orders.schema.ts";
import { productRoutes } from "./api/products.routes.ts";
import { Product } from "./api/products.schema.ts";
import { reportRoutes } from "./api/reports.routes.ts";
import { sessionRoutes } from "./api/session.routes.ts";
import { subscriptionRoutes } from "./api/subscriptions.routes.ts";
import { userRoutes } from "./api/users.routes.ts";
import { User } from "./api/users.schema.ts";
import { errorBody, handleError } from "./errors.ts";
import { finishIdempotency, idempotencyHook } from "./idempotency.ts";
import { hybridRateLimitStore } from "./rate-limit-store.ts";
import { validatorCompiler } from "./validators.ts";
import { webPlugin } from "./web/web.plugin.ts";

export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

declare module "fastify" {
  interface FastifyRequest {
    /** Who acts, set by authentication; the services receive it. */
    ctx: Ctx;
    /** The session of the `licentra_session` cookie, when that is how the request authenticated. */
    cookieSession: SessionInfo | null;
  }
  interface FastifyContextConfig {
    /**
     * `apiKey`: the route needs `Authorization: Bearer lic_…` or a session cookie (writes with the
     * cookie also need `x-csrf-token`); `session`: only a session cookie will do.
     */
    auth?: "apiKey" | "session";
  }
}

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

const ANONYMOUS: Ctx = {
  actor: {
    type: "customer",
    id: null,
    userId: null,
    groupId: null,
    groupPath: null,
    isAdmin: false,
    isIsvAdmin: false,
  },
  channel: "api",
};

export interface AppOptions {
  services: Services;
  config: Config;
  log: Logger;
  /** Where shared rate-limit windows are counted. */
  db: Db;
}

/** The HTTP server: REST API, JWKS, OpenAPI document and its browsable docs. */
export async function buildApp({ services, config, log, db }: AppOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: log,
    bodyLimit: 1024 * 1024,
    // Request lines would carry tickets in URLs (GET /api/v1/tickets/{ticket}); tickets never reach the log.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
  app.setValidatorCompiler(validatorCompiler);
  // The OpenAPI document describes the API; pages, assets and health checks stay out of it.
  app.addHook("onRoute", (route) => {
    if (!route.url.startsWith("/api/") && !route.url.startsWith("/.well-known/"))
      route.schema = { ...route.schema, hide: true };
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send(errorBody(ErrorCode.NOT_FOUND, `no route ${request.method} ${request.url.split("?")[0]}`));
  });

  await app.register(helmet, { global: true, contentSecurityPolicy: false });
  await app.register(cookie);
  await app.register(rateLimit, {
    store: hybridRateLimitStore(db) as unknown as FastifyRateLimitStoreCtor,
    global: false,
    errorResponseBuilder: (_req, ctx) => {
      const err = new AppError(
        ErrorCode.RATE_LIMITED,
        `too many requests; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
        { retryAfterSeconds: Math.ceil(ctx.ttl / 1000) },
      );
      return Object.assign(err, { statusCode: 429 });
    },
  });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Licentra API",
        version: "1.0.0",
        description:
          "License management for software vendors: catalog, orders, tickets, activations, signed license files. " +
          "Authenticate with `Authorization: Bearer lic_…` (API keys) or, in a browser, with the session cookie of `POST /api/v1/session` " +
          "(writes then need the session's CSRF token as `x-csrf-token`); activation and validation calls authenticate with the ticket or the license file. " +
          "Errors are `{ error: { code, message, details } }`.",
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          apiKey: { type: "http", scheme: "bearer", description: "An API key, `lic_…`" },
          session: {
            type: "apiKey",
            in: "cookie",
            name: SESSION_COOKIE,
            description:
              "The session cookie set by `POST /api/v1/session`; writes also need the `x-csrf-token` header",
          },
        },
      },
    },
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) => (json.$id as string | undefined) ?? `def-${i}`,
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true });

  // Shared schemas are added here, at the root, only: a plugin that adds its own gets a new schema
  // controller with Fastify's default compiler, which coerces body types.
  for (const schema of [ErrorResponse, Product, License, Activation, Order, Category, Group, User])
    app.addSchema(schema);

  app.decorateRequest("ctx", null as unknown as Ctx);
  app.decorateRequest("cookieSession", null);
  app.addHook("onRequest", async (request) => {
    request.ctx = ANONYMOUS;
    request.cookieSession = null;
    const auth = request.routeOptions.config.auth;
    if (!auth) return;
    const header = request.headers.authorization;
    if (auth === "apiKey" && header !== undefined) {
      const secret = header.startsWith("Bearer ") ? header.slice(7).trim() : null;
      if (!secret)
        throw new AppError(ErrorCode.UNAUTHENTICATED, "send an API key as `Authorization: Bearer lic_…`");
      const actor = await services.apiKeys.authenticate(secret);
      if (!actor)
        throw new AppError(
          ErrorCode.UNAUTHENTICATED,
          "the API key is unknown or revoked, or its user is disabled",
        );
      request.ctx = { actor, channel: "api" };
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (!token)
      throw new AppError(
        ErrorCode.UNAUTHENTICATED,
        auth === "apiKey"
          ? "send an API key as `Authorization: Bearer lic_…`, or sign in with POST /api/v1/session and send its cookie"
          : "sign in with POST /api/v1/session first: this needs the session cookie",
      );
    const signedIn = await services.sessions.authenticate(token);
    if (!signedIn)
      throw new AppError(
        ErrorCode.UNAUTHENTICATED,
        "the session has ended or expired, or its user is disabled; sign in again",
      );
    // A browser sends the cookie with any request, including one forged by another site; only our
    // pages know the session's CSRF token, so every write with the cookie must present it.
    const csrf = request.headers["x-csrf-token"];
    if (
      WRITES.has(request.method) &&
      (typeof csrf !== "string" || !sameSecret(csrf, signedIn.session.csrfToken))
    )
      throw new AppError(
        ErrorCode.CSRF_FAILED,
        "x-csrf-token: writes made with the session cookie need the session's CSRF token (from POST or GET /api/v1/session) in this header",
        { header: "x-csrf-token" },
      );
    request.ctx = { actor: signedIn.actor, channel: signedIn.channel };
    request.cookieSession = signedIn.session;
  });
  app.addHook("preHandler", idempotencyHook(services));
  app.addHook("onSend", async (request, reply, payload) => {
    if (request.idempotency)
      await finishIdempotency(
        services,
        request,
        reply.statusCode,
        typeof payload === "string" ? payload : "",
      );
    return payload;
  });

  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));

  await app.register(async (api) => {
    await productRoutes(api as App, services);
    await orderRoutes(api as App, services, config);
    await licenseRoutes(api as App, services);
    await activationRoutes(api as App, services, config);
    await keyRoutes(api as App, services);
    await auditRoutes(api as App, services);
    await apiKeyRoutes(api as App, services);
    await groupRoutes(api as App, services);
    await userRoutes(api as App, services);
    await sessionRoutes(api as App, services, config);
    await categoryRoutes(api as App, services);
    await dataFieldRoutes(api as App, services);
    await subscriptionRoutes(api as App, services);
    await reportRoutes(api as App, services);
    await jobRoutes(api as App, services);
  });
  await app.register(webPlugin, { services, config });
  return app;
}
