import { statSync } from "node:fs";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import type { Config } from "../config/config.ts";
import { sqlitePath } from "./db.ts";

/**
 * A consistent snapshot of the SQLite database through SQLite's online backup API: readers and
 * writers of the running server go on, and the copy is one point in time.
 */
export async function backupSqlite(config: Pick<Config, "dataDir">, target: string): Promise<number> {
  const source = new SqliteDatabase(sqlitePath(config), { readonly: true, fileMustExist: true });
  try {
    const out = path.resolve(process.env.INIT_CWD ?? process.cwd(), target);
    await source.backup(out);
    return statSync(out).size;
  } finally {
    source.close();
  }
}
