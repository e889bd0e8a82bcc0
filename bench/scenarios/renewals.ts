import { rmSync } from "node:fs";
import pino from "pino";
import { loadConfig } from "../../packages/server/src/config/config.ts";
import { openRuntime } from "../../packages/server/src/runtime.ts";
import { type Clock, SYSTEM_CTX } from "../../packages/server/src/services/context.ts";
import { waitUntilQuiet } from "../lib/quiet.ts";
import { LicentraServer } from "../lib/server.ts";
import type { Scenario } from "../lib/types.ts";

const TITLE = "subscription renewals due at once (SQLite)";
const DAY = 86_400_000;
/** Subscriptions due at once; `BENCH_RENEWALS` overrides (the target is stated for 100,000). */
const COUNT = Number(process.env.BENCH_RENEWALS ?? 100_000);
/** The target: 100,000 due subscriptions processed in under a minute. */
const TARGET_SECONDS = 60;

/**
 * The renewal job over 100,000 subscriptions whose cancellation deadline passed: each renewed by
 * one term in its own batch transaction (term row, license date and version, audit and outbox
 * event). The subscriptions are sold through the real order service 400 days in the past (orders of
 * 1,000 licenses, first term one year, cancellation period one month), so by today each is due
 * exactly once; then the job runs in-process as `licentra jobs run renewals` runs it.
 */
export const renewalsScenario: Scenario = {
  name: "renewals",
  title: TITLE,
  async run(ctx) {
    const dataDir = LicentraServer.newDataDir();
    const config = loadConfig(
      {
        DATA_DIR: dataDir,
        LICENTRA_MASTER_KEY: "0f".repeat(32),
        LICENTRA_ADMIN_EMAIL: "bench@licentra.test",
        LICENTRA_ADMIN_PASSWORD: "bench-password-not-secret",
        LOG_LEVEL: "silent",
        RENEWAL_SCHEDULE: "off",
      },
      dataDir,
    );
    let now = new Date(Date.now() - 400 * DAY);
    const clock: Clock = { now: () => new Date(now) };
    const rt = await openRuntime(config, { clock, log: pino({ level: "silent" }) });
    try {
      const s = rt.services;
      const code = 4712;
      await s.products.create(SYSTEM_CTX, {
        code,
        name: "Bench Subscription",
        parameters: [{ key: "expiresAt", label: "Expiry", type: "date", binding: "order", default: "P1Y" }],
      });
      const category = await s.categories.create(SYSTEM_CTX, "Bench subscriptions");
      await s.categories.configureProduct(SYSTEM_CTX, category.id, code, {
        parameters: {},
        subscription: {
          type: "license",
          cancellationPeriod: "P1M",
          firstEnd: { mode: "fixed", value: "P1Y" },
        },
      });
      ctx.log(`selling ${COUNT.toLocaleString("en")} subscriptions through the order service`);
      const t0 = performance.now();
      for (let left = COUNT; left > 0; left -= 1000)
        await s.orders.create(SYSTEM_CTX, {
          category: category.id,
          items: [{ product: code, quantity: Math.min(1000, left) }],
        });
      const seedSeconds = Math.round((performance.now() - t0) / 100) / 10;
      ctx.log(`sold in ${seedSeconds} s`);

      now = new Date();
      await waitUntilQuiet(ctx);
      const t1 = performance.now();
      const result = await s.jobs.renewals();
      const seconds = (performance.now() - t1) / 1000;
      if (result.renewals.terms !== COUNT || result.renewals.failed)
        throw new Error(
          `the job renewed ${result.renewals.terms} of ${COUNT} terms: ${JSON.stringify(result)}`,
        );
      const again = await s.jobs.renewals();
      if (again.renewals.terms !== 0) throw new Error(`a second run renewed ${again.renewals.terms} terms`);
      ctx.log(
        `renewed ${COUNT.toLocaleString("en")} in ${seconds.toFixed(1)} s (target < ${TARGET_SECONDS} s)`,
      );
      return {
        name: "renewals",
        title: TITLE,
        throughput: COUNT / seconds,
        unit: "renewal",
        details: {
          subscriptions: COUNT,
          seconds: Math.round(seconds * 10) / 10,
          targetSeconds: TARGET_SECONDS,
          met: seconds < TARGET_SECONDS,
          seedSeconds,
          rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
        },
      };
    } finally {
      await rt.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
