import { type Selectable, sql, type Updateable } from "kysely";
import type { Db } from "./db.ts";
import { containsPattern } from "./like.ts";
import type { ProductRevisionTable, ProductTable } from "./schema.ts";

export type ProductRow = Selectable<ProductTable>;
export type ProductRevisionRow = Selectable<ProductRevisionTable>;

export async function insertProduct(db: Db, row: ProductRow): Promise<void> {
  await db.insertInto("products").values(row).execute();
}

export async function insertProductRevision(db: Db, row: ProductRevisionRow): Promise<void> {
  await db.insertInto("product_revisions").values(row).execute();
}

export async function updateProduct(db: Db, id: string, changes: Updateable<ProductTable>): Promise<void> {
  await db.updateTable("products").set(changes).where("id", "=", id).execute();
}

export function findProductByCode(db: Db, code: number): Promise<ProductRow | undefined> {
  return db.selectFrom("products").selectAll().where("code", "=", code).executeTakeFirst();
}

export function findProductsByCodes(db: Db, codes: number[]): Promise<ProductRow[]> {
  return db.selectFrom("products").selectAll().where("code", "in", codes).execute();
}

export function findProductRevision(
  db: Db,
  productId: string,
  revision: number,
): Promise<ProductRevisionRow | undefined> {
  return db
    .selectFrom("product_revisions")
    .selectAll()
    .where("product_id", "=", productId)
    .where("revision", "=", revision)
    .executeTakeFirst();
}

export interface ProductFilter {
  status?: string;
  search?: string;
  afterCode?: number;
  limit: number;
}

export function listProducts(db: Db, f: ProductFilter): Promise<ProductRow[]> {
  let q = db.selectFrom("products").selectAll();
  if (f.status) q = q.where("status", "=", f.status);
  if (f.search) q = q.where(sql<string>`lower(name)`, "like", containsPattern(f.search.toLowerCase()));
  if (f.afterCode !== undefined) q = q.where("code", ">", f.afterCode);
  return q.orderBy("code").limit(f.limit).execute();
}

/** How many products there are, optionally of one status. */
export async function countProducts(db: Db, status?: string): Promise<number> {
  let q = db.selectFrom("products").select((e) => e.fn.countAll<number>().as("n"));
  if (status) q = q.where("status", "=", status);
  return Number((await q.executeTakeFirstOrThrow()).n);
}
