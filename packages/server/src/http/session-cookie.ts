import type { FastifyReply } from "fastify";
import type { Config } from "../config/config.ts";
import { SESSION_LIFETIME_MS } from "../domain/login.ts";
import { SESSION_COOKIE } from "../services/session.service.ts";

/** The session cookie's attributes, for the REST sign-in and the sign-in page alike. */
export function sessionCookieOptions(config: Config) {
  return {
    path: "/",
    httpOnly: true,
    sameSite: "lax" as const,
    secure: config.publicUrl.startsWith("https:"),
  };
}

export function setSessionCookie(reply: FastifyReply, config: Config, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    ...sessionCookieOptions(config),
    maxAge: SESSION_LIFETIME_MS / 1000,
  });
}

/**
 * The route config limiting sign-in attempts: one bucket per client, shared by the REST sign-in
 * and the sign-in page, so switching between them gives no extra tries.
 */
export function signInRateLimit(config: Config) {
  return {
    rateLimit: {
      max: config.rateLimitLogins,
      timeWindow: 60_000,
      shared: true,
      groupId: "sign-in",
    } as object,
  };
}
