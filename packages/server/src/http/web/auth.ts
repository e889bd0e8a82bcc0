import type { FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../../config/config.ts";
import type { Services } from "../../services/index.ts";
import { SESSION_COOKIE } from "../../services/session.service.ts";
import type { Viewer } from "./page.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in user of a web page behind sign-in (set by `requireSignIn`); null elsewhere. */
    viewer: Viewer | null;
  }
}

import { sessionCookieOptions } from "../session-cookie.ts";

export { sessionCookieOptions, setSessionCookie } from "../session-cookie.ts";

/**
 * onRequest hook of the web pages: a valid session cookie makes the request the user's
 * (`request.ctx`, `request.cookieSession`), as the REST API's hook does for `auth: "session"`.
 * An invalid or missing cookie leaves the request anonymous; pages decide what that means.
 */
export function loadSession(services: Services) {
  return async (request: FastifyRequest): Promise<void> => {
    request.viewer = null;
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const signedIn = await services.sessions.authenticate(token);
    if (!signedIn) return;
    request.ctx = { actor: signedIn.actor, channel: signedIn.channel };
    request.cookieSession = signedIn.session;
  };
}

/**
 * A path of this site to return to after sign-in, or "/" for anything else (absolute URLs,
 * protocol-relative `//host`, backslash, tab and line-break tricks), so `next` cannot send
 * anybody elsewhere.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== "string" || next.length > 2000 || !next.startsWith("/")) return "/";
  // Browsers drop tabs and line breaks from addresses ("/\t/evil" becomes "//evil"), and a
  // control character cannot go into a Location header: such a path is not ours.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for.
  if (/[\x00-\x20\x7f\\]/.test(next)) return "/";
  const url = new URL(next, "http://licentra.invalid");
  if (url.origin !== "http://licentra.invalid" || next.startsWith("//")) return "/";
  return `${url.pathname}${url.search}`;
}

/** Where a request without a valid session is sent: the sign-in page, saying why, then back. */
export function signInUrl(request: FastifyRequest, expired: boolean): string {
  const query = new URLSearchParams();
  if (expired) query.set("expired", "1");
  const next = request.method === "GET" ? safeNext(request.url) : "/";
  if (next !== "/") query.set("next", next);
  const q = query.toString();
  return q ? `/login?${q}` : "/login";
}

/**
 * preValidation hook of pages behind sign-in: without a valid session the browser is sent to
 * /login (with `expired=1` when it still held a cookie: the session ended or expired); with
 * one, `request.viewer` is loaded for the layout and the page. It runs before the CSRF check,
 * so a form posted after the session expired leads to the sign-in page, not to a CSRF error.
 */
export function requireSignIn(services: Services, config: Config) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (!request.cookieSession) {
      const expired = request.cookies[SESSION_COOKIE] !== undefined;
      if (expired) reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(config));
      return reply.redirect(signInUrl(request, expired), 303);
    }
    const user = await services.users.me(request.ctx);
    const rights = await services.grants.effective(request.ctx, user.id);
    request.viewer = { user, rights };
    return undefined;
  };
}
