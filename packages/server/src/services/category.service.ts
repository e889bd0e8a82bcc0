import { type CategoryProductConfig, checkCategoryConfig } from "../domain/category-rules.ts";
import { AppError, ErrorCode, invalid, notFound } from "../domain/errors.ts";
import { newId } from "../domain/ids.ts";
import type { ParameterDefinition } from "../domain/parameters.ts";
import {
  type CategoryRow,
  countLicensesOfCategory,
  deleteCategory,
  deleteCategoryProduct,
  findCategoryById,
  findCategoryByNameKey,
  findCategoryProduct,
  findCategoryProducts,
  insertCategory,
  listCategories,
  updateCategory,
  upsertCategoryProduct,
} from "../store/category.store.ts";
import type { Db } from "../store/db.ts";
import { deleteGrantsOfCategory, findCategoryIdsOfUser } from "../store/grant.store.ts";
import { findProductByCode } from "../store/product.store.ts";
import { recordAudit } from "./audit.service.ts";
import type { Ctx, Deps } from "./context.ts";
import { requireIsvAdmin } from "./permissions.ts";

/** A category as the API presents it, with its products' configurations. */
export interface Category {
  id: string;
  name: string;
  products: {
    code: number;
    parameters: CategoryProductConfig["parameters"];
    subscription?: CategoryProductConfig["subscription"];
  }[];
  createdAt: string;
  updatedAt: string;
}

export class CategoryService {
  constructor(private readonly deps: Deps) {}

  async create(ctx: Ctx, name: string): Promise<Category> {
    requireIsvAdmin(ctx, "manage categories");
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      await this.nameFree(trx, name);
      const row: CategoryRow = {
        id: newId(now.getTime()),
        name,
        name_key: key(name),
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      };
      await insertCategory(trx, row);
      const category = await this.present(trx, row);
      await recordAudit(trx, ctx, now, [
        { action: "category.created", entityType: "category", entityId: row.id, after: category },
      ]);
      return category;
    });
  }

  async rename(ctx: Ctx, id: string, name: string): Promise<Category> {
    requireIsvAdmin(ctx, "manage categories");
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      const row = await this.find(trx, id);
      if (key(name) !== row.name_key) await this.nameFree(trx, name);
      await updateCategory(trx, id, name, key(name), now.toISOString());
      const after = await this.present(trx, {
        ...row,
        name,
        name_key: key(name),
        updated_at: now.toISOString(),
      });
      await recordAudit(trx, ctx, now, [
        {
          action: "category.renamed",
          entityType: "category",
          entityId: id,
          before: { name: row.name },
          after: { name },
        },
      ]);
      return after;
    });
  }

  /** Only while no license remembers the category; its grants go with it. */
  async delete(ctx: Ctx, id: string): Promise<void> {
    requireIsvAdmin(ctx, "manage categories");
    const now = this.deps.clock.now();
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await this.find(trx, id);
      const licenses = await countLicensesOfCategory(trx, id);
      if (licenses > 0)
        throw new AppError(
          ErrorCode.CATEGORY_IN_USE,
          `category ${row.name} is remembered by ${licenses} license(s) and cannot be deleted`,
          { licenses },
        );
      const before = await this.present(trx, row);
      await deleteGrantsOfCategory(trx, id);
      await deleteCategory(trx, id);
      await recordAudit(trx, ctx, now, [
        { action: "category.deleted", entityType: "category", entityId: id, before },
      ]);
    });
  }

  /** Adds a product to the category or replaces its configuration. */
  async configureProduct(
    ctx: Ctx,
    id: string,
    code: number,
    config: CategoryProductConfig,
  ): Promise<Category> {
    requireIsvAdmin(ctx, "manage categories");
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      const row = await this.find(trx, id);
      const product = await findProductByCode(trx, code);
      if (!product) throw notFound("product", code);
      const issues = checkCategoryConfig(JSON.parse(product.parameters) as ParameterDefinition[], config);
      if (issues.length) throw invalid(issues);
      const existing = await findCategoryProduct(trx, id, product.id);
      await upsertCategoryProduct(trx, {
        category_id: id,
        product_id: product.id,
        config: JSON.stringify(config),
        created_at: existing?.created_at ?? now.toISOString(),
        updated_at: now.toISOString(),
      });
      await recordAudit(trx, ctx, now, [
        {
          action: existing ? "category.product_updated" : "category.product_added",
          entityType: "category",
          entityId: id,
          before: existing
            ? { product: code, parameters: JSON.parse(existing.config).parameters }
            : undefined,
          after: { product: code, ...config },
        },
      ]);
      return this.present(trx, row);
    });
  }

  async removeProduct(ctx: Ctx, id: string, code: number): Promise<Category> {
    requireIsvAdmin(ctx, "manage categories");
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      const row = await this.find(trx, id);
      const product = await findProductByCode(trx, code);
      const existing = product ? await findCategoryProduct(trx, id, product.id) : undefined;
      if (!product || !existing) throw notFound("product in this category", code);
      await deleteCategoryProduct(trx, id, product.id);
      await recordAudit(trx, ctx, now, [
        {
          action: "category.product_removed",
          entityType: "category",
          entityId: id,
          before: { product: code, parameters: JSON.parse(existing.config).parameters },
        },
      ]);
      return this.present(trx, row);
    });
  }

  /** ISV admins see every category; others those they hold a right on. */
  async list(ctx: Ctx): Promise<Category[]> {
    const db = this.deps.db;
    const rows = ctx.actor.isIsvAdmin
      ? await listCategories(db)
      : await listCategories(db, await findCategoryIdsOfUser(db, ctx.actor.userId ?? ""));
    return Promise.all(rows.map((r) => this.present(db, r)));
  }

  async get(ctx: Ctx, id: string): Promise<Category> {
    const row = await this.find(this.deps.db, id);
    if (
      !ctx.actor.isIsvAdmin &&
      !(await findCategoryIdsOfUser(this.deps.db, ctx.actor.userId ?? "")).includes(id)
    )
      throw notFound("category", id);
    return this.present(this.deps.db, row);
  }

  private async find(db: Db, id: string): Promise<CategoryRow> {
    const row = await findCategoryById(db, id);
    if (!row) throw notFound("category", id);
    return row;
  }

  private async nameFree(db: Db, name: string): Promise<void> {
    if (await findCategoryByNameKey(db, key(name)))
      throw new AppError(ErrorCode.CATEGORY_NAME_TAKEN, `name: a category named "${name}" exists already`, {
        field: "name",
      });
  }

  private async present(db: Db, row: CategoryRow): Promise<Category> {
    const products = await findCategoryProducts(db, row.id);
    return {
      id: row.id,
      name: row.name,
      products: products.map((p) => {
        const config = JSON.parse(p.config) as CategoryProductConfig;
        return { code: Number(p.code), ...config };
      }),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}

function key(name: string): string {
  return name.trim().toLowerCase();
}
