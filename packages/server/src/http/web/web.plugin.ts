import csrfProtection from "@fastify/csrf-protection";
import formbody from "@fastify/formbody";
import multipart from "@fastify/multipart";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config/config.ts";
import type { Services } from "../../services/index.ts";
import { apiKeysRoutes } from "./api-keys.routes.tsx";
import { HTMX_DIR, STATIC_DIR, STATIC_FILES } from "./assets.ts";
import { auditRoutes } from "./audit.routes.tsx";
import { loadSession, requireSignIn } from "./auth.ts";
import { catalogRoutes } from "./catalog.routes.tsx";
import { submittedToken, verifyCsrf } from "./csrf.ts";
import { depotRoutes } from "./depot.routes.tsx";
import { handleWebError } from "./errors.tsx";
import { homeRoutes } from "./home.routes.tsx";
import { licensesRoutes } from "./licenses.routes.tsx";
import { orderListRoutes } from "./order-list.routes.tsx";
import { ordersRoutes } from "./orders.routes.tsx";
import { partnersRoutes } from "./partners.routes.tsx";
import { sessionRoutes, signInRoutes } from "./session.routes.tsx";

export interface WebOptions {
  services: Services;
  config: Config;
}

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The web pages: sign-in, the console and partner portal (behind sign-in), the customers'
 * depot, and their two static files. Everything here is encapsulated: form parsing, multipart,
 * CSRF, the session hook and the HTML error handler do not touch the REST API. See docs/WEB.md.
 */
export async function webPlugin(app: FastifyInstance, { services, config }: WebOptions): Promise<void> {
  const allowed = new Set<string>(STATIC_FILES.map((f) => `/${f}`));
  await app.register(fastifyStatic, {
    root: [STATIC_DIR, HTMX_DIR],
    prefix: "/static/",
    allowedPath: (pathName) => allowed.has(pathName),
    index: false,
    list: false,
    // The pages link the files with a content hash (assets.ts), so a changed file has a new URL.
    maxAge: "365d",
    immutable: true,
  });

  await app.register(async (pages) => {
    await pages.register(formbody);
    await pages.register(multipart, {
      attachFieldsToBody: "keyValues",
      limits: { fileSize: 64 * 1024, files: 1, fields: 20, fieldSize: 64 * 1024 },
    });
    await pages.register(csrfProtection, {
      getToken: submittedToken,
      cookieOpts: {
        path: "/",
        httpOnly: true,
        sameSite: "lax",
        secure: config.publicUrl.startsWith("https:"),
      },
    });
    pages.decorateRequest("viewer", null);
    pages.addHook("onRequest", loadSession(services));
    const csrf = verifyCsrf(pages);
    pages.addHook("preHandler", (request, reply, done) =>
      READS.has(request.method) ? done() : csrf(request, reply, done),
    );
    pages.setErrorHandler(handleWebError);

    await signInRoutes(pages, services, config);
    await depotRoutes(pages, services, config);
    await pages.register(async (signedIn) => {
      signedIn.addHook("preValidation", requireSignIn(services, config));
      await homeRoutes(signedIn, services, config);
      await sessionRoutes(signedIn, services, config);
      await orderListRoutes(signedIn, services, config);
      await ordersRoutes(signedIn, services, config);
      await licensesRoutes(signedIn, services, config);
      await catalogRoutes(signedIn, services, config);
      await partnersRoutes(signedIn, services, config);
      await apiKeysRoutes(signedIn, services, config);
      await auditRoutes(signedIn, services, config);
    });
  });
}
