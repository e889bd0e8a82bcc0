import { Type } from "typebox";
import type { Config } from "../../config/config.ts";
import type { Services } from "../../services/index.ts";
import { SESSION_COOKIE } from "../../services/session.service.ts";
import type { App } from "../app.ts";
import { sessionCookieOptions, setSessionCookie, signInRateLimit } from "../session-cookie.ts";
import { errors } from "./common.schema.ts";
import { Login, SignedIn } from "./session.schema.ts";

const tags = ["session"];

export async function sessionRoutes(app: App, services: Services, config: Config): Promise<void> {
  const cookieOptions = sessionCookieOptions(config);

  app.post(
    "/api/v1/session",
    {
      config: signInRateLimit(config),
      schema: {
        tags,
        summary: "Sign in",
        description:
          "Checks email and password and sets the `licentra_session` cookie (HttpOnly, SameSite=Lax; Secure when PUBLIC_URL is https) " +
          "for 12 hours. A wrong email and a wrong password fail alike (LOGIN_FAILED). After 5 consecutive failures the account waits " +
          "30 s, doubling with each further failure up to 15 min, during which every attempt is refused (LOGIN_LOCKED), even with the right password. " +
          "Sign-in attempts are also limited per client address (RATE_LIMIT_LOGINS per minute, default 20; 429 RATE_LIMITED).",
        body: Login,
        response: { 200: SignedIn, ...errors(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const { token, ...signedIn } = await services.sessions.login(request.body);
      setSessionCookie(reply, config, token);
      return signedIn;
    },
  );

  app.get(
    "/api/v1/session",
    {
      config: { auth: "session" },
      schema: {
        tags,
        security: [{ session: [] }],
        summary: "The signed-in user and the session's CSRF token",
        response: { 200: SignedIn, ...errors(401) },
      },
    },
    async (request) => services.sessions.current(request.ctx, request.cookieSession!),
  );

  app.delete(
    "/api/v1/session",
    {
      config: { auth: "session" },
      schema: {
        tags,
        security: [{ session: [] }],
        summary: "Sign out",
        description: "Ends the session on the server and clears the cookie. Needs the `x-csrf-token` header.",
        response: { 204: Type.Null({ description: "Signed out" }), ...errors(401, 403) },
      },
    },
    async (request, reply) => {
      await services.sessions.logout(request.ctx, request.cookieSession!);
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.status(204).send(null);
    },
  );
}
