import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  findIdempotencyKey,
  releaseIdempotencyKey,
} from "../store/idempotency.store.ts";
import type { Deps } from "./context.ts";

export type Claim =
  | { kind: "claimed" }
  | { kind: "replay"; statusCode: number; response: string }
  | { kind: "pending" }
  | { kind: "different" };

/** A claim older than this whose request never finished (a crashed process) may be taken over. */
const STALE_MS = 5 * 60_000;

/** Remembers the answers of writes sent with an Idempotency-Key. */
export class IdempotencyService {
  constructor(private readonly deps: Deps) {}

  async claim(scope: string, key: string, hash: string): Promise<Claim> {
    const now = this.deps.clock.now();
    const row = {
      scope,
      key,
      request_hash: hash,
      status_code: null,
      response: null,
      created_at: now.toISOString(),
    };
    if (await claimIdempotencyKey(this.deps.db, row)) return { kind: "claimed" };
    const existing = await findIdempotencyKey(this.deps.db, scope, key);
    if (!existing)
      return (await claimIdempotencyKey(this.deps.db, row)) ? { kind: "claimed" } : { kind: "pending" };
    if (existing.request_hash !== hash) return { kind: "different" };
    if (existing.status_code === null) {
      if (now.getTime() - Date.parse(existing.created_at) < STALE_MS) return { kind: "pending" };
      await releaseIdempotencyKey(this.deps.db, scope, key);
      return (await claimIdempotencyKey(this.deps.db, row)) ? { kind: "claimed" } : { kind: "pending" };
    }
    return { kind: "replay", statusCode: existing.status_code, response: existing.response ?? "" };
  }

  complete(scope: string, key: string, statusCode: number, response: string): Promise<void> {
    return completeIdempotencyKey(this.deps.db, scope, key, statusCode, response);
  }

  release(scope: string, key: string): Promise<void> {
    return releaseIdempotencyKey(this.deps.db, scope, key);
  }
}
