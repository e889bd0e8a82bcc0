/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FastifyReply } from "fastify";
import type { Child } from "hono/jsx";
import { csrfTokenFor } from "./csrf.ts";
import { takeFlash } from "./flash.ts";
import { type PageContext, PageProvider } from "./page.ts";

/**
 * Pages load only our own script and stylesheet and post only to us; htmx is configured to
 * need neither eval nor inline styles.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export interface RenderOptions {
  /** HTTP status; a form shown again with its errors answers 4xx (htmx swaps those too). */
  status?: number;
}

/**
 * Renders a page component (which renders a `<Layout>`) to the reply as a whole HTML document,
 * escaped by default, with the page context (`usePage()`): CSRF token, viewer, flash messages.
 * Pages are never cached: they show licenses, tickets and sessions.
 */
export async function render(reply: FastifyReply, page: Child, options: RenderOptions = {}) {
  const request = reply.request;
  const context: PageContext = {
    csrfToken: csrfTokenFor(request, reply),
    viewer: request.viewer ?? null,
    flash: takeFlash(request, reply),
    path: request.url.split("?")[0] ?? "/",
  };
  const html = await (<PageProvider value={context}>{page}</PageProvider>).toString();
  // A form shown again after a post stays at the address of the page it came from: htmx would
  // otherwise put the post's URL into the history, which a reload would then GET.
  if (request.method !== "GET" && request.headers["hx-request"] === "true")
    reply.header("hx-push-url", "false");
  return reply
    .status(options.status ?? 200)
    .header("content-type", "text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .header("content-security-policy", CONTENT_SECURITY_POLICY)
    .send(`<!doctype html>\n${html}`);
}

/** The answer to a successful form post: "303 See Other" to the page to show next. */
export function seeOther(reply: FastifyReply, url: string) {
  return reply.redirect(url, 303);
}
