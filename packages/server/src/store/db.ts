import { mkdirSync } from "node:fs";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import {
  Kysely,
  type MigrationResultSet,
  Migrator,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
} from "kysely";
import pg from "pg";
import type { Config } from "../config/config.ts";
import { migrations } from "./migrations/index.ts";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;

/** An open database: the Kysely instance and which dialect it speaks. */
export interface DatabaseHandle {
  db: Db;
  dialect: "sqlite" | "postgres";
  /** The raw SQLite connection (for snapshots); null on PostgreSQL. */
  sqlite: SqliteDatabase.Database | null;
  close(): Promise<void>;
}

// PostgreSQL bigint (count, bigserial) as JavaScript numbers: our counts stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export function sqlitePath(config: Pick<Config, "dataDir">): string {
  return path.join(config.dataDir, "licentra.db");
}

/** Opens SQLite in `DATA_DIR` (created when missing) or PostgreSQL at `DATABASE_URL`. */
export function openDatabase(config: Pick<Config, "dataDir" | "databaseUrl">, poolSize = 10): DatabaseHandle {
  if (config.databaseUrl) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: poolSize });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: "postgres", sqlite: null, close: () => db.destroy() };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const sqlite = new SqliteDatabase(sqlitePath(config));
  // The busy timeout first: two processes opening one new file both switch it to WAL.
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: "sqlite", sqlite, close: () => db.destroy() };
}

/**
 * Kysely's SQLite driver prepares every statement anew; preparing costs more than running the
 * small indexed queries of the hot paths. Statements are cached by text (least recently used
 * first out). Safe because the driver runs each statement to completion under its connection
 * mutex and nothing here streams results.
 */
function withStatementCache(sqlite: SqliteDatabase.Database, max = 500) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string): SqliteDatabase.Statement {
      let stmt = cache.get(text);
      if (stmt) cache.delete(text);
      else {
        stmt = sqlite.prepare(text);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(text, stmt);
      return stmt;
    },
  };
}

export function isPostgres<T>(db: Kysely<T>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Brings the schema to the newest migration; safe to run on every start and from many processes. */
export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  for (let attempt = 1; ; attempt++) {
    const result = await migrator.migrateToLatest();
    if (!result.error) return result;
    // Kysely's migration lock is a no-op on SQLite: a second process starting on the same new
    // file can collide with the first. Its next attempt finds the schema migrated.
    const message = (result.error as Error).message ?? "";
    if (attempt >= 5 || !/already exists|SQLITE_BUSY|database is locked/.test(message)) throw result.error;
    await new Promise((r) => setTimeout(r, 100 * attempt));
  }
}

/** A unique-constraint violation on either dialect. */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return (
    err?.code === "23505" ||
    err?.code === "SQLITE_CONSTRAINT_UNIQUE" ||
    /UNIQUE constraint failed/.test(err?.message ?? "")
  );
}
