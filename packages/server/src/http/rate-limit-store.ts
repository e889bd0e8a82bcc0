import { createRequire } from "node:module";
import type { Db } from "../store/db.ts";
import { countRequest, readRequests } from "../store/rate-limit.store.ts";

type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * A @fastify/rate-limit store in the database, so that every server process counts against one
 * limit: used where a per-process count would multiply an attacker's budget by the number of
 * nodes (ticket look-ups, sign-ins). High-volume routes keep the in-memory store.
 */
export class DatabaseRateLimitStore {
  constructor(
    private readonly db: Db,
    private readonly prefix = "",
  ) {}

  incr(key: string, cb: Callback, timeWindow: number): void {
    const now = Date.now();
    countRequest(this.db, `${this.prefix}|${key}`, now, timeWindow).then(
      (r) => cb(null, { current: r.count, ttl: Math.max(0, r.windowStart + timeWindow - now) }),
      (err: Error) => cb(err),
    );
  }

  read(key: string, cb: Callback, timeWindow: number): void {
    const now = Date.now();
    readRequests(this.db, `${this.prefix}|${key}`).then(
      (r) =>
        cb(
          null,
          !r || r.windowStart + timeWindow <= now
            ? { current: 0, ttl: 0 }
            : { current: r.count, ttl: r.windowStart + timeWindow - now },
        ),
      (err: Error) => cb(err),
    );
  }

  /** Routes with the same `groupId` (e.g. the API's and the form's sign-in) share one count. */
  child(routeOptions: {
    groupId?: string;
    routeInfo?: { method?: string; url?: string };
  }): DatabaseRateLimitStore {
    return new DatabaseRateLimitStore(
      this.db,
      routeOptions.groupId
        ? `group ${routeOptions.groupId}`
        : `${routeOptions.routeInfo?.method ?? ""} ${routeOptions.routeInfo?.url ?? ""}`,
    );
  }
}

/** Local (per-process) store of @fastify/rate-limit, for the high-volume routes. */
const LocalStore = createRequire(import.meta.url)("@fastify/rate-limit/store/LocalStore") as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  cache?: number,
) => LocalLike;

interface LocalLike {
  child(o: unknown): unknown;
  incr(key: string, cb: Callback, timeWindow: number, max: number): void;
  read(key: string, cb: Callback, timeWindow: number, max: number): void;
}

/**
 * The plugin's store: routes whose rate-limit config says `shared: true` count in the database,
 * the rest in process memory.
 */
export function hybridRateLimitStore(db: Db) {
  return class HybridRateLimitStore {
    private readonly local: LocalLike;
    constructor(params: { continueExceeding?: boolean; exponentialBackoff?: boolean; cache?: number }) {
      this.local = new LocalStore(
        Boolean(params.continueExceeding),
        Boolean(params.exponentialBackoff),
        params.cache,
      );
    }
    incr(key: string, cb: Callback, timeWindow: number, max: number): void {
      this.local.incr(key, cb, timeWindow, max);
    }
    read(key: string, cb: Callback, timeWindow: number, max: number): void {
      this.local.read(key, cb, timeWindow, max);
    }
    child(routeOptions: {
      shared?: boolean;
      groupId?: string;
      routeInfo?: { method?: string; url?: string };
    }): unknown {
      return routeOptions.shared
        ? new DatabaseRateLimitStore(db).child(routeOptions)
        : this.local.child(routeOptions);
    }
  };
}
