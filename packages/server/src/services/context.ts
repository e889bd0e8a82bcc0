import type { Logger } from "pino";
import type { Config } from "../config/config.ts";
import type { Keyring } from "../crypto/keyring.ts";
import type { Db } from "../store/db.ts";

/** Who acts. `job` and `system` act for the vendor; `customer` holds only a ticket. */
export interface Actor {
  type: "user" | "api_key" | "customer" | "job" | "system";
  /** The API key, user or ticket-holder's activation id; null for system and jobs. */
  id: string | null;
  /** The acting user (for `user` and `api_key`). */
  userId: string | null;
  groupId: string | null;
  /** Materialized path of the actor's group (`/root/…/group/`); null for system actors. */
  groupPath: string | null;
  /** An admin of its group: manages users and subgroups of its subtree, grants rights it holds. */
  isAdmin: boolean;
  /** An admin of the root group: every right on everything. */
  isIsvAdmin: boolean;
}

/** Where a request came from; recorded in the audit log. */
export type Channel = "console" | "portal" | "api" | "soap" | "depot" | "job" | "cli";

/** What every service call receives: who acts and through which channel. */
export interface Ctx {
  actor: Actor;
  channel: Channel;
}

/** A source of the current time; tests substitute one that travels. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** What services are built from. */
export interface Deps {
  db: Db;
  dialect: "sqlite" | "postgres";
  config: Config;
  clock: Clock;
  keyring: Keyring;
  log: Logger;
}

export const SYSTEM_CTX: Ctx = {
  actor: {
    type: "system",
    id: null,
    userId: null,
    groupId: null,
    groupPath: null,
    isAdmin: true,
    isIsvAdmin: true,
  },
  channel: "cli",
};

export const ROOT_GROUP_ID = "00000000-0000-7000-8000-000000000000";
