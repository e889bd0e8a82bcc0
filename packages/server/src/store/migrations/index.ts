import type { Migration } from "kysely";
import * as core from "./20261129T0001_core.ts";
import * as partners from "./20261130T0002_partners.ts";
import * as subscriptions from "./20261201T0003_subscriptions.ts";
import * as rateLimits from "./20261202T0004_rate_limits.ts";

/** Every migration, by name; names sort in the order they run. */
export const migrations: Record<string, Migration> = {
  "20261129T0001_core": core,
  "20261130T0002_partners": partners,
  "20261201T0003_subscriptions": subscriptions,
  "20261202T0004_rate_limits": rateLimits,
};
