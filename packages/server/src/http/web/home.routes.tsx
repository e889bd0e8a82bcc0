/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FastifyInstance } from "fastify";
import { AccountPage, HomePage } from "./home.pages.tsx";
import { render } from "./render.tsx";

/** The signed-in user's start page and account. */
export async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.get("/", async (_request, reply) => render(reply, <HomePage />));
  app.get("/account", async (request, reply) =>
    render(reply, <AccountPage sessionExpiresAt={request.cookieSession!.expiresAt} />),
  );
}
