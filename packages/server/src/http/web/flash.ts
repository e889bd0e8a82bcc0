import type { FastifyReply, FastifyRequest } from "fastify";
import type { Flash } from "./page.ts";

/** Carries flash messages across one redirect. HttpOnly; the text is escaped when shown. */
export const FLASH_COOKIE = "licentra_flash";
const MAX_MESSAGES = 5;

const pending = new WeakMap<FastifyRequest, Flash[]>();

function decode(value: string | undefined): Flash[] {
  if (!value) return [];
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter(
        (f): f is Flash =>
          typeof f?.text === "string" && (f.kind === "success" || f.kind === "error" || f.kind === "info"),
      )
      .slice(0, MAX_MESSAGES);
  } catch {
    return [];
  }
}

/**
 * Queues a message for the next page this browser sees: the page rendered by this response, or
 * the one after the redirect this response sends.
 */
export function flash(reply: FastifyReply, kind: Flash["kind"], text: string): void {
  const list = [...(pending.get(reply.request) ?? []), { kind, text }].slice(-MAX_MESSAGES);
  pending.set(reply.request, list);
  reply.setCookie(FLASH_COOKIE, Buffer.from(JSON.stringify(list)).toString("base64url"), {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    maxAge: 60,
  });
}

/** The messages to show now: those carried by the cookie and those queued by this request. Clears both. */
export function takeFlash(request: FastifyRequest, reply: FastifyReply): Flash[] {
  const messages = [...decode(request.cookies[FLASH_COOKIE]), ...(pending.get(request) ?? [])];
  pending.delete(request);
  if (request.cookies[FLASH_COOKIE] !== undefined || messages.length)
    reply.clearCookie(FLASH_COOKIE, { path: "/" });
  return messages;
}
