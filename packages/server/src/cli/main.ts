import { Command } from "commander";
import { type Config, ConfigError, loadConfig } from "../config/config.ts";
import { describeSetup, openRuntime } from "../runtime.ts";
import { SYSTEM_CTX } from "../services/context.ts";
import { backupSqlite } from "../store/backup.ts";
import { migrateToLatest, openDatabase } from "../store/db.ts";

function config(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}

async function withRuntime<T>(fn: (rt: Awaited<ReturnType<typeof openRuntime>>) => Promise<T>): Promise<T> {
  const c = config();
  const rt = await openRuntime({ ...c, logLevel: c.logLevel === "info" ? "warn" : c.logLevel });
  try {
    const setup = describeSetup(rt.setup, c);
    if (setup) console.log(setup);
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

const program = new Command("licentra").description("Licentra license server");

program
  .command("serve")
  .description("start the server (creates and migrates the database on first start)")
  .action(async () => {
    const c = config();
    const rt = await openRuntime(c);
    const setup = describeSetup(rt.setup, c);
    if (setup) console.log(`\n${setup}\n`);
    const app = await rt.app();
    await app.listen({ port: c.port, host: c.host });
    rt.startJobs();
    const stop = async () => {
      await rt.close();
      process.exit(0);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });

program
  .command("migrate")
  .description("bring the database schema to the newest version")
  .action(async () => {
    const handle = openDatabase(config());
    try {
      const r = await migrateToLatest(handle.db);
      for (const m of r.results ?? []) console.log(`${m.status}: ${m.migrationName}`);
      if (!r.results?.length) console.log("the schema is up to date");
    } finally {
      await handle.close();
    }
  });

program
  .command("init")
  .description(
    "create the database, the first ISV admin, API key and signing key (changes nothing when done already)",
  )
  .action(() =>
    withRuntime(async (rt) => {
      if (!rt.setup.created) console.log("Licentra was initialized already; nothing changed.");
    }),
  );

const keys = program.command("keys").description("signing keys");
keys
  .command("list")
  .description("list signing keys")
  .action(() =>
    withRuntime(async (rt) => {
      for (const k of await rt.services.keys.list(SYSTEM_CTX))
        console.log(
          `${k.kid}  ${k.status.padEnd(9)}  created ${k.createdAt}${k.retiredAt ? `  retired ${k.retiredAt}` : ""}`,
        );
    }),
  );
keys
  .command("rotate")
  .description("create a new signing key; the previous one keeps verifying until retired")
  .action(() =>
    withRuntime(async (rt) => {
      const k = await rt.services.keys.rotate(SYSTEM_CTX);
      console.log(`new signing key ${k.kid}`);
    }),
  );
keys
  .command("retire <kid>")
  .description("retire a key that no longer signs: files it signed stop verifying")
  // A key id is base64url and may start with "-": take it as the id, not as an option.
  .allowUnknownOption()
  .helpOption("--help", "display help for command")
  .action((kid: string) =>
    withRuntime(async (rt) => {
      const k = await rt.services.keys.retire(SYSTEM_CTX, kid);
      console.log(`retired ${k.kid}`);
    }),
  );

program
  .command("api-keys")
  .description("API keys")
  .command("create")
  .description("create an API key for a user and print it once")
  .requiredOption("--user <email>", "email of the user the key acts for")
  .option("--name <name>", "what the key is for", "cli")
  .action((opts: { user: string; name: string }) =>
    withRuntime(async (rt) => {
      const { apiKey, secret } = await rt.services.apiKeys.create(SYSTEM_CTX, {
        name: opts.name,
        userEmail: opts.user,
      });
      console.log(`API key ${apiKey.id} for ${opts.user}:\n${secret}\n(shown once; stored hashed)`);
    }),
  );

program
  .command("jobs")
  .description("background jobs")
  .command("run <name>")
  .description(
    "run a job now and print what it did (renewals: renew, end and remind subscriptions, send notices)",
  )
  .action((name: string) =>
    withRuntime(async (rt) => {
      const r = await rt.services.jobs.run(SYSTEM_CTX, name);
      const { renewals: w, notices: n } = r;
      console.log(
        `${r.job}: ${w.renewed} subscription(s) renewed (${w.terms} term(s)), ${w.ended} ended, ${w.reminded} reminded` +
          `${w.failed ? `, ${w.failed} failed (see the log)` : ""}; notices: ${n.sent} sent, ${n.logged} logged, ${n.failed} failed`,
      );
      if (w.failed) process.exitCode = 1;
    }),
  );

program
  .command("backup <file>")
  .description("write a consistent snapshot of the SQLite database (safe while the server runs)")
  .action(async (file: string) => {
    const c = config();
    if (c.databaseUrl) {
      console.error("backup snapshots the embedded SQLite database; for PostgreSQL use pg_dump");
      process.exit(2);
    }
    const bytes = await backupSqlite(c, file);
    console.log(`wrote ${file} (${bytes} bytes)`);
  });

program.parseAsync().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
