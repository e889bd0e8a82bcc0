import { existsSync, statSync } from "node:fs";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import type { Config } from "../config/config.ts";
import { sqlitePath } from "./db.ts";

const ALL_PAGES = 0x7fffffff;

/**
 * A consistent snapshot of the SQLite database through SQLite's online backup API: readers and
 * writers of the running server go on, and the copy is one point in time.
 */
export async function backupSqlite(config: Pick<Config, "dataDir">, target: string): Promise<number> {
  const file = sqlitePath(config);
  if (!existsSync(file))
    throw new Error(`there is no database at ${file}; set DATA_DIR to the folder the server uses`);
  const source = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const out = path.resolve(process.env.INIT_CWD ?? process.cwd(), target);
    // All pages in one step, under one read transaction (which does not block the server's
    // writers in WAL mode). In small steps the copy restarts whenever the server writes, and
    // under steady writes a large database would never finish.
    await source.backup(out, { progress: () => ALL_PAGES });
    return statSync(out).size;
  } finally {
    source.close();
  }
}
