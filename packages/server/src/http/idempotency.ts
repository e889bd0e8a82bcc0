import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import { requestHash } from "../domain/canonical.ts";
import { AppError, ErrorCode } from "../domain/errors.ts";
import type { Services } from "../services/index.ts";

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

declare module "fastify" {
  interface FastifyRequest {
    idempotency?: { scope: string; key: string } | null;
  }
}

/**
 * The credential an Idempotency-Key is scoped to: the API key, or for ticket-authenticated
 * calls a hash of the ticket or license file, so nobody can replay another client's answer.
 */
function scopeOf(request: FastifyRequest): string | null {
  if (request.ctx.actor.id) return `key:${request.ctx.actor.id}`;
  const body = (request.body ?? {}) as { ticket?: unknown; licenseFile?: unknown };
  const secret =
    typeof body.ticket === "string" ? body.ticket.toUpperCase().replace(/[\s-]/g, "") : body.licenseFile;
  if (typeof secret !== "string") return null;
  return `cred:${createHash("sha256").update(secret).digest("base64url")}`;
}

/**
 * Honours `Idempotency-Key` on every write: the first request with a key is processed and its
 * answer stored; a repeat with the same request gets that answer back; a different request
 * with the same key is refused. The key is claimed with a primary-key insert, so two
 * concurrent repeats cannot both run.
 */
export function idempotencyHook(services: Services): preHandlerAsyncHookHandler {
  const store = services.idempotency;
  return async function idempotency(request: FastifyRequest, reply: FastifyReply) {
    const key = request.headers["idempotency-key"];
    if (typeof key !== "string" || !WRITES.has(request.method)) return;
    if (key.length === 0 || key.length > 255)
      throw new AppError(ErrorCode.VALIDATION_FAILED, "Idempotency-Key: must be 1 to 255 characters", {
        field: "Idempotency-Key",
      });
    const scope = scopeOf(request);
    if (!scope) return;
    const hash = requestHash({ method: request.method, url: request.url, body: request.body ?? null });
    const claim = await store.claim(scope, key, hash);
    if (claim.kind === "claimed") {
      request.idempotency = { scope, key };
      reply.header("idempotency-key", key);
      return;
    }
    if (claim.kind === "different")
      throw new AppError(
        ErrorCode.IDEMPOTENCY_KEY_REUSED,
        "Idempotency-Key: this key was used with a different request; use a new key",
        { field: "Idempotency-Key" },
      );
    if (claim.kind === "pending")
      throw new AppError(
        ErrorCode.IDEMPOTENCY_IN_PROGRESS,
        "a request with this Idempotency-Key is still being processed; retry shortly",
      );
    reply
      .header("idempotent-replayed", "true")
      .header("content-type", "application/json; charset=utf-8")
      .status(claim.statusCode);
    return reply.send(claim.response);
  };
}

/** Stores the answer of a claimed request, or frees the key when the server failed. */
export async function finishIdempotency(
  services: Services,
  request: FastifyRequest,
  statusCode: number,
  payload: string,
): Promise<void> {
  const idem = request.idempotency;
  if (!idem) return;
  request.idempotency = null;
  if (statusCode >= 500 || statusCode === 429) await services.idempotency.release(idem.scope, idem.key);
  else await services.idempotency.complete(idem.scope, idem.key, statusCode, payload);
}
