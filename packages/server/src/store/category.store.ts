import type { Selectable } from "kysely";
import type { Db } from "./db.ts";
import type { CategoryProductTable, CategoryTable } from "./schema.ts";

export type CategoryRow = Selectable<CategoryTable>;
export type CategoryProductRow = Selectable<CategoryProductTable>;

export async function insertCategory(db: Db, row: CategoryRow): Promise<void> {
  await db.insertInto("categories").values(row).execute();
}

export function findCategoryById(db: Db, id: string): Promise<CategoryRow | undefined> {
  return db.selectFrom("categories").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findCategoryByNameKey(db: Db, nameKey: string): Promise<CategoryRow | undefined> {
  return db.selectFrom("categories").selectAll().where("name_key", "=", nameKey).executeTakeFirst();
}

export function listCategories(db: Db, ids?: string[]): Promise<CategoryRow[]> {
  let q = db.selectFrom("categories").selectAll();
  if (ids) q = q.where("id", "in", ids.length ? ids : [""]);
  return q.orderBy("name_key").execute();
}

export async function updateCategory(
  db: Db,
  id: string,
  name: string,
  nameKey: string,
  at: string,
): Promise<void> {
  await db
    .updateTable("categories")
    .set({ name, name_key: nameKey, updated_at: at })
    .where("id", "=", id)
    .execute();
}

export async function deleteCategory(db: Db, id: string): Promise<void> {
  await db.deleteFrom("category_products").where("category_id", "=", id).execute();
  await db.deleteFrom("categories").where("id", "=", id).execute();
}

export async function countLicensesOfCategory(db: Db, id: string): Promise<number> {
  const r = await db
    .selectFrom("licenses")
    .select((e) => e.fn.countAll<number>().as("n"))
    .where("category_id", "=", id)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function findCategoryProducts(
  db: Db,
  categoryId: string,
): Promise<(CategoryProductRow & { code: number })[]> {
  return db
    .selectFrom("category_products")
    .innerJoin("products", "products.id", "category_products.product_id")
    .selectAll("category_products")
    .select("products.code as code")
    .where("category_products.category_id", "=", categoryId)
    .orderBy("products.code")
    .execute();
}

export function findCategoryProduct(
  db: Db,
  categoryId: string,
  productId: string,
): Promise<CategoryProductRow | undefined> {
  return db
    .selectFrom("category_products")
    .selectAll()
    .where("category_id", "=", categoryId)
    .where("product_id", "=", productId)
    .executeTakeFirst();
}

export async function upsertCategoryProduct(db: Db, row: CategoryProductRow): Promise<void> {
  await db
    .insertInto("category_products")
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(["category_id", "product_id"])
        .doUpdateSet({ config: row.config, updated_at: row.updated_at }),
    )
    .execute();
}

export async function deleteCategoryProduct(db: Db, categoryId: string, productId: string): Promise<void> {
  await db
    .deleteFrom("category_products")
    .where("category_id", "=", categoryId)
    .where("product_id", "=", productId)
    .execute();
}
