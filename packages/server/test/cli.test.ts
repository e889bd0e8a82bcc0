import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { verify } from "@node-rs/argon2";
import SqliteDatabase from "better-sqlite3";
import pino from "pino";
import { afterAll, beforeAll, describe, it, type TestContext } from "vitest";
import { openRuntime } from "../src/runtime.ts";
import { SYSTEM_CTX } from "../src/services/context.ts";
import { createOrder, createProduct } from "./support/factories.ts";
import { ApiClient, createTestDatabase, type TestDatabase, testConfig } from "./support/harness.ts";
import {
  apiKeyIn,
  licentraEnv,
  runCli,
  type ServerProcess,
  startServerProcess,
} from "./support/processes.ts";

/**
 * Temp data folders and servers of one test, removed when it finishes, pass or fail. Takes the
 * test context's `onTestFinished`: the global one cannot tell concurrent tests apart.
 */
function resources({ onTestFinished }: Pick<TestContext, "onTestFinished">) {
  const servers: ServerProcess[] = [];
  const dbs: TestDatabase[] = [];
  onTestFinished(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(dbs.map((d) => d.drop()));
  });
  return {
    async dataDir(): Promise<TestDatabase> {
      const db = await createTestDatabase("sqlite");
      dbs.push(db);
      return db;
    },
    async serve(env: Record<string, string>): Promise<ServerProcess> {
      const s = await startServerProcess(env);
      servers.push(s);
      return s;
    },
  };
}

/** Every row of every table of the SQLite database in DATA_DIR. */
function dumpDatabase(dataDir: string): Record<string, unknown[]> {
  const db = new SqliteDatabase(path.join(dataDir, "licentra.db"), { readonly: true });
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table' order by name").all() as {
      name: string;
    }[];
    return Object.fromEntries(tables.map((t) => [t.name, db.prepare(`select * from "${t.name}"`).all()]));
  } finally {
    db.close();
  }
}

/** Appends `n` audit events of half a kilobyte each straight to the database in DATA_DIR. */
function seedAuditLog(dataDir: string, n: number): void {
  const db = new SqliteDatabase(path.join(dataDir, "licentra.db"));
  try {
    db.pragma("busy_timeout = 5000");
    const insert = db.prepare(
      `insert into audit_events (id, at, actor_type, actor_id, channel, action, entity_type, entity_id, after)
       values (?, ?, 'system', null, 'cli', 'seed.filler', 'seed', ?, ?)`,
    );
    const after = JSON.stringify({ note: "x".repeat(500) });
    const at = new Date().toISOString();
    db.transaction(() => {
      for (let i = 0; i < n; i++) insert.run(`seed-${i}`, at, `seed-${i}`, after);
    })();
  } finally {
    db.close();
  }
}

function kidOf(licenseFile: string): string {
  return JSON.parse(Buffer.from(licenseFile.split(".")[0]!, "base64url").toString()).kid;
}

/** An order of the product and the license file of one device activating it. */
async function activateNewOrder(admin: ApiClient, productCode: number, fingerprint: string): Promise<string> {
  const order = await createOrder(admin, productCode);
  const res = await admin.as(null).post("/api/v1/activations", {
    ticket: order.ticket,
    license: order.licenses[0].id,
    fingerprint,
    deviceName: "test machine",
  });
  if (res.status !== 201) throw new Error(`activation failed: ${JSON.stringify(res.body)}`);
  return res.body.licenseFile;
}

async function validate(url: string, licenseFile: string): Promise<string> {
  const res = await new ApiClient(url, null).post("/api/v1/validate", { licenseFile });
  if (res.status !== 200) throw new Error(`validate answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.code;
}

// Each command is a real process (about 2 s of CPU to start), so the tests run side by side and
// their processes take turns starting (support/processes.ts).
describe.concurrent("the licentra command", { timeout: 600_000 }, () => {
  it("init prints the ISV admin and the first API key once; a second init and a start change nothing", async (ctx) => {
    const { expect } = ctx;
    const r = resources(ctx);
    const db = await r.dataDir();
    const env = licentraEnv(db);

    const first = await runCli(["init"], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("Licentra is initialized.");
    expect(first.stdout).toMatch(/ISV admin:\s+admin@licentra\.local/);
    expect(first.stdout).toMatch(/Password:\s+\S{10,}\s+\(shown once/);
    expect(first.stdout).toMatch(/Signing key:\s+\S+/);
    const apiKey = apiKeyIn(first.stdout);
    expect(apiKey).toMatch(/^lic_/);
    const initialized = dumpDatabase(db.dataDir);
    expect(initialized.users).toHaveLength(1);
    expect(initialized.api_keys).toHaveLength(1);
    expect(initialized.signing_keys).toHaveLength(1);

    const second = await runCli(["init"], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("initialized already; nothing changed");
    expect(second.stdout).not.toMatch(/lic_|Password/);
    expect(dumpDatabase(db.dataDir)).toEqual(initialized);

    const server = await r.serve(env);
    expect(server.output()).not.toMatch(/lic_|Password|initialized/);
    expect(dumpDatabase(db.dataDir)).toEqual(initialized);
    // The key init printed is the one the server accepts.
    expect((await new ApiClient(server.url, apiKey).get("/api/v1/orders")).status).toBe(200);
  });

  it("init creates the ISV admin from LICENTRA_ADMIN_EMAIL and LICENTRA_ADMIN_PASSWORD", async (ctx) => {
    const { expect } = ctx;
    const r = resources(ctx);
    const db = await r.dataDir();
    const env = licentraEnv(db, {
      LICENTRA_ADMIN_EMAIL: "Owner@Vendor.example",
      LICENTRA_ADMIN_PASSWORD: "a long operator password",
    });

    const init = await runCli(["init"], env);

    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/ISV admin:\s+owner@vendor\.example/);
    expect(init.stdout).toContain("Password:    from LICENTRA_ADMIN_PASSWORD");
    expect(init.stdout).not.toContain("a long operator password");
    const [user] = dumpDatabase(db.dataDir).users as {
      email: string;
      password_hash: string;
      is_admin: number;
    }[];
    expect(user!.email).toBe("owner@vendor.example");
    expect(user!.is_admin).toBe(1);
    expect(await verify(user!.password_hash, "a long operator password")).toBe(true);
  });

  it("migrate creates the schema of a new database, then reports it up to date", async (ctx) => {
    const { expect } = ctx;
    const r = resources(ctx);
    const db = await r.dataDir();
    const env = licentraEnv(db);

    const first = await runCli(["migrate"], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Success: 20261129T0001_core/);

    const second = await runCli(["migrate"], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.trim()).toBe("the schema is up to date");
    // migrate only migrates: the first ISV admin is created by init or the first start.
    expect(dumpDatabase(db.dataDir).users).toEqual([]);
  });

  // One server for these; the tests run in order, beside the other tests of the file.
  describe("against a running server", () => {
    let db: TestDatabase;
    let env: Record<string, string>;
    let server: ServerProcess;
    let admin: ApiClient;

    beforeAll(async () => {
      db = await createTestDatabase("sqlite");
      env = licentraEnv(db, { LICENTRA_ADMIN_EMAIL: "ops@vendor.example" });
      server = await startServerProcess(env);
      admin = new ApiClient(server.url, server.printedApiKey());
    }, 300_000);
    afterAll(async () => {
      await server?.stop();
      await db?.drop();
    });

    it.sequential("api-keys create prints a new key that works against the running server", async ({
      expect,
    }) => {
      const created = await runCli(
        ["api-keys", "create", "--user", "ops@vendor.example", "--name", "erp"],
        env,
      );
      expect(created.code, created.stderr).toBe(0);
      const key = /^(lic_\S+)$/m.exec(created.stdout)?.[1];
      expect(key, created.stdout).toBeDefined();
      expect(key).not.toBe(admin.key);

      const api = new ApiClient(server.url, key!);
      expect((await api.post("/api/v1/products", { code: 77, name: "Made with the CLI key" })).status).toBe(
        201,
      );
      const keys = await api.get("/api/v1/api-keys");
      expect(keys.status).toBe(200);
      expect(keys.body.data.map((k: { name: string }) => k.name).sort()).toEqual(["erp", "first key"]);
    });

    it.sequential("backup writes a consistent SQLite snapshot while the server is serving and writing", async ({
      expect,
    }) => {
      const product = await createProduct(admin);
      const before: string[] = [];
      for (let i = 0; i < 4; i++)
        before.push(
          (await createOrder(admin, product.code, {}, { items: [{ product: product.code, quantity: 50 }] }))
            .id,
        );
      // A long audit log makes a database of production size (tens of MB), which SQLite's backup
      // API copies in many steps, not one.
      seedAuditLog(db.dataDir, 50_000);

      let writing = true;
      const during: string[] = [];
      // Two clients ordering about 40 times a second in all.
      const writers = Array.from({ length: 2 }, async () => {
        while (writing) {
          const res = await admin.post("/api/v1/orders", { items: [{ product: product.code, quantity: 3 }] });
          if (res.status !== 201)
            throw new Error(`order failed while backing up: ${JSON.stringify(res.body)}`);
          during.push(res.body.id);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      });
      const writersDone = Promise.allSettled(writers);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const target = path.join(db.dataDir, "snapshot.db");
      const startedWith = during.length;
      const backup = await runCli(["backup", target], env).finally(() => {
        writing = false;
      });
      const endedWith = during.length;
      for (const w of await writersDone) if (w.status === "rejected") throw w.reason;

      expect(backup.code, backup.stderr).toBe(0);
      expect(backup.stdout).toContain(`wrote ${target} (${statSync(target).size} bytes)`);
      expect(endedWith - startedWith, "orders were written while the backup ran").toBeGreaterThan(0);
      const copy = new SqliteDatabase(target, { readonly: true });
      try {
        expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
        expect(copy.pragma("foreign_key_check")).toEqual([]);
        const orders = copy.prepare("select id from orders").pluck().all() as string[];
        expect(orders).toEqual(expect.arrayContaining(before));
        expect(orders.length).toBeLessThanOrEqual(before.length + during.length);
        // One point in time: every order in the copy has all of its licenses and its audit event.
        const perOrder = copy
          .prepare(
            `select o.id, (select count(*) from licenses l where l.order_id = o.id) as licenses,
               (select count(*) from audit_events a
                  where a.entity_type = 'order' and a.entity_id = o.id and a.action = 'order.created') as audited
             from orders o`,
          )
          .all() as { id: string; licenses: number; audited: number }[];
        for (const o of perOrder) {
          expect(o.licenses).toBe(before.includes(o.id) ? 50 : 3);
          expect(o.audited).toBe(1);
        }
      } finally {
        copy.close();
      }
    });

    it.sequential("keys rotate, list and retire: files of the old key validate until it is retired, then answer UNKNOWN_KEY", async ({
      expect,
    }) => {
      const oldKid = /Signing key:\s+(\S+)/.exec(server.output())![1]!;
      const product = await createProduct(admin);
      const oldFile = await activateNewOrder(admin, product.code, "device-signed-by-old-key");
      expect(kidOf(oldFile)).toBe(oldKid);

      const rotated = await runCli(["keys", "rotate"], env);
      expect(rotated.code, rotated.stderr).toBe(0);
      const newKid = /new signing key (\S+)/.exec(rotated.stdout)![1]!;
      expect(newKid).not.toBe(oldKid);
      const listed = await runCli(["keys", "list"], env);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(new RegExp(`${oldKid}\\s+verifying`));
      expect(listed.stdout).toMatch(new RegExp(`${newKid}\\s+signing`));
      expect(await validate(server.url, oldFile)).toBe("VALID");

      const [refused, retired, unknown] = await Promise.all([
        runCli(["keys", "retire", newKid], env),
        runCli(["keys", "retire", oldKid], env),
        // Key ids are base64url: one in 64 starts with "-", which must not read as an option.
        runCli(["keys", "retire", "-no-such-key"], env),
      ]);
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toContain("signing key -no-such-key does not exist");
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(`key ${newKid} signs new license files; rotate first`);
      expect(retired.code, retired.stderr).toBe(0);
      expect(retired.stdout).toContain(`retired ${oldKid}`);

      // Servers re-read the keys every 30 s; the services, opened on the database now, see the
      // retirement at once (and so does a server started now).
      const rt = await openRuntime(testConfig(db), { log: pino({ level: "silent" }) });
      try {
        expect((await rt.services.validation.byFile(oldFile, undefined, {})).code).toBe("UNKNOWN_KEY");
        expect(rt.services.keys.jwks().keys.map((k) => k.kid)).toEqual([newKid]);
        const order = await createOrder(admin, product.code);
        const { licenseFile } = await rt.services.activations.activate(SYSTEM_CTX, {
          ticket: order.ticket,
          license: order.licenses[0].id,
          fingerprint: "device-signed-by-new-key",
          deviceName: "new",
        });
        expect(kidOf(licenseFile)).toBe(newKid);
        expect((await rt.services.validation.byFile(licenseFile, undefined, {})).code).toBe("VALID");
      } finally {
        await rt.close();
      }
    });
  });

  it("backup refuses what it cannot snapshot: PostgreSQL (pointing to pg_dump) and a DATA_DIR without a database", async (ctx) => {
    const { expect } = ctx;
    const r = resources(ctx);
    const db = await r.dataDir();
    const target = path.join(db.dataDir, "x.db");

    const [postgres, empty] = await Promise.all([
      runCli(
        ["backup", target],
        licentraEnv(db, { DATABASE_URL: "postgres://postgres@127.0.0.1:5432/none" }),
      ),
      runCli(["backup", target], licentraEnv(db)),
    ]);

    expect(postgres.code).not.toBe(0);
    expect(postgres.stderr).toContain("for PostgreSQL use pg_dump");
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toContain(`there is no database at ${path.join(db.dataDir, "licentra.db")}`);
    expect(empty.stderr).toContain("set DATA_DIR");
    expect(existsSync(target)).toBe(false);
  });

  it("refuses an invalid configuration, naming every problem and how to fix it, and writes nothing", async (ctx) => {
    const { expect } = ctx;
    const r = resources(ctx);
    const db = await r.dataDir();
    const dataDir = path.join(db.dataDir, "never-created");

    const res = await runCli(
      ["serve"],
      licentraEnv(
        { dataDir, databaseUrl: null },
        { PORT: "abc", DATABASE_URL: "mysql://x", LICENTRA_MASTER_KEY: "short" },
      ),
    );

    expect(res.code).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr).toContain("Licentra cannot start; fix the configuration:");
    expect(res.stderr).toContain("PORT=abc is not valid; set it to a whole number from 0 to 65535");
    expect(res.stderr).toContain("DATABASE_URL must start with postgres://");
    expect(res.stderr).toContain("LICENTRA_MASTER_KEY must be 32 random bytes as 64 hex characters");
    expect(res.stderr).toContain("openssl rand -hex 32");
    expect(existsSync(dataDir)).toBe(false);
  });

  it("a first start without LICENTRA_MASTER_KEY writes DATA_DIR/master.key and warns; later starts reuse it, and another key is refused", async (ctx) => {
    const { expect } = ctx;
    const r = resources(ctx);
    const db = await r.dataDir();
    const env = licentraEnv(db, { LICENTRA_MASTER_KEY: undefined });
    const keyFile = path.join(db.dataDir, "master.key");

    const first = await r.serve(env);
    expect(first.output()).toMatch(/"level":40.*generated a master key/);
    expect(first.output()).toContain(keyFile);
    const masterKey = readFileSync(keyFile, "utf8");
    expect(masterKey.trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const apiKey = first.printedApiKey();
    const product = await createProduct(new ApiClient(first.url, apiKey));
    const file = await activateNewOrder(
      new ApiClient(first.url, apiKey),
      product.code,
      "device-before-restart",
    );
    expect(await first.stop()).toBe(0);

    const second = await r.serve(env);
    expect(second.output()).not.toContain("generated a master key");
    expect(readFileSync(keyFile, "utf8")).toBe(masterKey);
    expect(await validate(second.url, file)).toBe("VALID");
    // The signing key decrypts with the reused master key: new files are signed as before.
    const next = await activateNewOrder(
      new ApiClient(second.url, apiKey),
      product.code,
      "device-after-restart",
    );
    expect(kidOf(next)).toBe(kidOf(file));
    expect(await validate(second.url, next)).toBe("VALID");

    // Another master key cannot decrypt the signing keys: the command says so instead of
    // failing with a cipher error.
    const wrong = await runCli(["keys", "list"], { ...env, LICENTRA_MASTER_KEY: "cd".repeat(32) });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout).toBe("");
    expect(wrong.stderr).toContain("LICENTRA_MASTER_KEY");
    expect(wrong.stderr).toContain("master.key");
    expect(wrong.stderr).not.toContain("unable to authenticate data");
  });
});
