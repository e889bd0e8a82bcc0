/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config/config.ts";
import type { Services } from "../../services/index.ts";
import { AccountPage, HomePage } from "./home.pages.tsx";
import { render } from "./render.tsx";

/** The signed-in user's start page and account. */
export async function homeRoutes(app: FastifyInstance, _services: Services, _config: Config): Promise<void> {
  app.get("/", async (_request, reply) => render(reply, <HomePage />));
  app.get("/account", async (request, reply) =>
    render(reply, <AccountPage sessionExpiresAt={request.cookieSession!.expiresAt} />),
  );
}
