import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import pino from "pino";
import { type Config, loadConfig } from "../../src/config/config.ts";
import { openRuntime, type Runtime } from "../../src/runtime.ts";
import type { Clock } from "../../src/services/context.ts";

export type Dialect = "sqlite" | "postgres";

/** PostgreSQL for tests: `LICENTRA_TEST_PG` (default postgres://postgres@127.0.0.1:5432/postgres). */
export const PG_ADMIN_URL = process.env.LICENTRA_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/postgres";
/** Set by .ci/run: PostgreSQL tests must run; an unreachable server fails them instead of skipping. */
export const PG_REQUIRED = process.env.LICENTRA_REQUIRE_POSTGRES === "1";

let pgAvailable: boolean | null = null;

export async function postgresAvailable(): Promise<boolean> {
  if (pgAvailable !== null) return pgAvailable;
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("select 1");
    pgAvailable = true;
  } catch (err) {
    if (PG_REQUIRED)
      throw new Error(
        `PostgreSQL is required (LICENTRA_REQUIRE_POSTGRES=1) but ${PG_ADMIN_URL} is unreachable: ${(err as Error).message}`,
      );
    console.warn(
      `NOTICE: PostgreSQL at ${PG_ADMIN_URL} is unreachable; PostgreSQL tests are skipped (${(err as Error).message})`,
    );
    pgAvailable = false;
  } finally {
    await client.end().catch(() => {});
  }
  return pgAvailable;
}

/** The dialects a suite runs on: SQLite always, PostgreSQL when reachable (always in CI). */
export async function dialects(): Promise<Dialect[]> {
  return (await postgresAvailable()) ? ["sqlite", "postgres"] : ["sqlite"];
}

/** A fresh, empty database: a temp SQLite folder or a PostgreSQL database with a random name. */
export interface TestDatabase {
  dialect: Dialect;
  dataDir: string;
  databaseUrl: string | null;
  drop(): Promise<void>;
}

export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "licentra-test-"));
  if (dialect === "sqlite")
    return {
      dialect,
      dataDir,
      databaseUrl: null,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  const name = `licentra_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    dialect,
    dataDir,
    databaseUrl: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A clock tests move by hand. */
export class TestClock implements Clock {
  constructor(private current = new Date()) {}
  now(): Date {
    return new Date(this.current);
  }
  set(d: Date | string): void {
    this.current = new Date(d);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export const TEST_MASTER_KEY = "0f".repeat(32);

export function testConfig(db: TestDatabase, env: Record<string, string> = {}): Config {
  return loadConfig(
    {
      DATA_DIR: db.dataDir,
      ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
      LICENTRA_MASTER_KEY: TEST_MASTER_KEY,
      LICENTRA_ADMIN_EMAIL: "admin@vendor.test",
      LICENTRA_ADMIN_PASSWORD: "correct horse battery",
      LOG_LEVEL: "silent",
      PORT: "0",
      RATE_LIMIT_ACTIVATIONS: "100000",
      RATE_LIMIT_TICKETS: "100000",
      RATE_LIMIT_LOGINS: "100000",
      ...env,
    },
    db.dataDir,
  );
}

/** A running server on a fresh database, listening on 127.0.0.1 with a random port. */
export interface TestServer {
  rt: Runtime;
  db: TestDatabase;
  url: string;
  clock: TestClock;
  /** The first ISV admin's API key. */
  adminKey: string;
  api: ApiClient;
  close(): Promise<void>;
}

export async function startTestServer(
  dialect: Dialect,
  env: Record<string, string> = {},
  clock = new TestClock(),
): Promise<TestServer> {
  const db = await createTestDatabase(dialect);
  const config = testConfig(db, env);
  const rt = await openRuntime(config, { clock, log: pino({ level: "silent" }) });
  const app = await rt.app();
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const adminKey = rt.setup.apiKey!;
  return {
    rt,
    db,
    url,
    clock,
    adminKey,
    api: new ApiClient(url, adminKey),
    async close() {
      await rt.close();
      await db.drop();
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Real HTTP against the test server. */
export class ApiClient {
  constructor(
    readonly url: string,
    readonly key: string | null,
  ) {}

  as(key: string | null): ApiClient {
    return new ApiClient(this.url, key);
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...(this.key ? { authorization: `Bearer ${this.key}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {}
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>("GET", path);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>("POST", path, body, headers);
  }
  patch<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>("PATCH", path, body, headers);
  }
  delete<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>("DELETE", path, undefined, headers);
  }
}
