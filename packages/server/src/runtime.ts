import pino, { type Logger } from "pino";
import type { Config } from "./config/config.ts";
import { Keyring } from "./crypto/keyring.ts";
import { loadOrCreateMasterKey } from "./crypto/master-key.ts";
import type { App } from "./http/app.ts";
import { type Scheduler, startScheduler } from "./jobs/scheduler.ts";
import { type Clock, type Deps, systemClock } from "./services/context.ts";
import { createServices, type Services } from "./services/index.ts";
import type { SetupResult } from "./services/setup.service.ts";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "./store/db.ts";
import { listKeys } from "./store/key.store.ts";

/** A running Licentra: database, services and HTTP app, wired once; what `serve`, the CLI and tests share. */
export interface Runtime {
  config: Config;
  handle: DatabaseHandle;
  services: Services;
  deps: Deps;
  log: Logger;
  setup: SetupResult;
  /** Builds the HTTP app (not listening). */
  app(): Promise<App>;
  /** Starts the renewal job on its schedule (`RENEWAL_SCHEDULE`); `serve` does, tests may. */
  startJobs(): void;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  clock?: Clock;
  log?: Logger;
  /** Keys are re-read from the database this often, so rotations on another node take effect here. */
  keyReloadMs?: number;
}

/** Opens the database, migrates it, loads the master key and signing keys, and initializes the first start. */
export async function openRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const log =
    options.log ??
    pino({ level: config.logLevel, redact: ["req.headers.authorization", "*.ticket", "*.secret"] });
  const handle = openDatabase(config);
  await migrateToLatest(handle.db);
  // A new master key is made only for a database without signing keys: for one that has keys,
  // a new key could never decrypt them.
  const hasKeys = (await listKeys(handle.db)).length > 0;
  let master: ReturnType<typeof loadOrCreateMasterKey>;
  try {
    master = loadOrCreateMasterKey(config.masterKey, config.dataDir, !hasKeys);
  } catch (err) {
    await handle.close();
    throw err;
  }
  if (master.generated)
    log.warn(
      { path: master.path },
      "generated a master key: it encrypts the private signing keys; back it up with the database, or set LICENTRA_MASTER_KEY",
    );
  const deps: Deps = {
    db: handle.db,
    dialect: handle.dialect,
    config,
    clock: options.clock ?? systemClock,
    keyring: new Keyring(master.key),
    log,
  };
  const services = createServices(deps, master.key);
  const setup = await services.setup.initialize();
  const timer = setInterval(() => {
    services.keys.reload().catch((err) => log.error({ err }, "reloading signing keys failed"));
  }, options.keyReloadMs ?? 30_000);
  timer.unref();
  let app: App | null = null;
  let scheduler: Scheduler | null = null;
  return {
    config,
    handle,
    services,
    deps,
    log,
    setup,
    async app() {
      // Loaded on demand: CLI commands that never serve HTTP start without it.
      const { buildApp } = await import("./http/app.ts");
      app ??= await buildApp({ services, config, log, db: handle.db });
      return app;
    },
    startJobs() {
      if (!scheduler && config.renewalSchedule)
        scheduler = startScheduler(deps, services.jobs, config.renewalSchedule);
    },
    async close() {
      clearInterval(timer);
      if (app) await app.close();
      // A renewal run and notice deliveries finish before the database closes.
      await scheduler?.stop();
      await services.notices.idle();
      services.notices.close();
      await handle.close();
    },
  };
}

/** Prints what the first start created: the only time the secrets are shown. */
export function describeSetup(setup: SetupResult, config: Config): string {
  if (!setup.created) return "";
  const lines = ["Licentra is initialized."];
  if (setup.adminEmail) {
    lines.push(`  ISV admin:   ${setup.adminEmail}`);
    lines.push(
      setup.generatedPassword
        ? `  Password:    ${setup.generatedPassword}  (shown once; change it after signing in)`
        : "  Password:    from LICENTRA_ADMIN_PASSWORD",
    );
  }
  if (setup.apiKey) lines.push(`  API key:     ${setup.apiKey}  (shown once; stored hashed)`);
  if (setup.signingKey) lines.push(`  Signing key: ${setup.signingKey}`);
  lines.push(`  API docs:    ${config.publicUrl}/docs`);
  return lines.join("\n");
}
