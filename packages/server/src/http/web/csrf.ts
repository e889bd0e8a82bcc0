import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sameSecret } from "../../services/session.service.ts";

/**
 * CSRF protection of every web form. Each `<Form>` embeds a hidden `_csrf` field and every
 * non-GET request of the web pages passes `verifyCsrf` (a preHandler, so the body is parsed):
 *
 * - signed in: the field holds the session's CSRF token, kept in the session's row — the same
 *   token the REST API wants as `x-csrf-token` with the session cookie;
 * - not signed in (sign-in form, depot): @fastify/csrf-protection's double-submit token, derived
 *   from a secret in the HttpOnly `_csrf` cookie.
 *
 * While a session exists only its token counts (the sign-in form excepted, which replaces the
 * session), so a `_csrf` cookie planted by a sibling domain cannot stand in for it. A form
 * rendered before a sign-out still verifies through the `_csrf` cookie path.
 */
export const CSRF_FIELD = "_csrf";

/** The token a page rendered for this request embeds in its forms. */
export function csrfTokenFor(request: FastifyRequest, reply: FastifyReply): string {
  return request.cookieSession?.csrfToken ?? reply.generateCsrf();
}

/** The token sent with a form, from the parsed body only (never from the URL). */
export function submittedToken(request: FastifyRequest): string | undefined {
  const body = request.body as Record<string, unknown> | null | undefined;
  const value = body?.[CSRF_FIELD];
  return typeof value === "string" ? value : undefined;
}

/** The same 403 @fastify/csrf-protection answers, which the web error handler renders. */
function refuse(reply: FastifyReply): void {
  const err = Object.assign(new Error("Invalid csrf token"), {
    code: "FST_CSRF_INVALID_TOKEN",
    statusCode: 403,
  });
  reply.send(err);
}

/**
 * The preHandler that checks the token. A mismatch ends in @fastify/csrf-protection's 403
 * (FST_CSRF_INVALID_TOKEN or FST_CSRF_MISSING_SECRET), which the web error handler renders.
 */
export function verifyCsrf(app: FastifyInstance) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const token = submittedToken(request);
    const session = request.cookieSession;
    if (session && token !== undefined && sameSecret(token, session.csrfToken)) done();
    else if (session && request.routeOptions.url !== "/login") refuse(reply);
    else app.csrfProtection(request, reply, done);
  };
}
