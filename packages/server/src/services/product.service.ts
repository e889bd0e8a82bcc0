import { isDuration } from "../domain/dates.ts";
import { AppError, ErrorCode, invalid, notFound } from "../domain/errors.ts";
import { newId } from "../domain/ids.ts";
import { checkDefinitions, type ParameterDefinition } from "../domain/parameters.ts";
import type { Db } from "../store/db.ts";
import {
  countProducts,
  findProductByCode,
  insertProduct,
  insertProductRevision,
  listProducts,
  type ProductRow,
  updateProduct,
} from "../store/product.store.ts";
import { recordAudit } from "./audit.service.ts";
import type { Ctx, Deps } from "./context.ts";
import { requireIsvAdmin } from "./permissions.ts";

/** A product as the API presents it. */
export interface Product {
  id: string;
  code: number;
  name: string;
  description: string;
  parameters: ParameterDefinition[];
  fileValidity: string | null;
  status: "active" | "archived";
  revision: number;
  createdAt: string;
  updatedAt: string;
}

export interface ProductInput {
  code: number;
  name: string;
  description?: string;
  parameters?: ParameterDefinition[];
  /** Offline validity of license files (ISO duration); null for files without expiry. */
  fileValidity?: string | null;
}

export type ProductChanges = Partial<Omit<ProductInput, "code">>;

export function presentProduct(r: ProductRow): Product {
  return {
    id: r.id,
    code: Number(r.code),
    name: r.name,
    description: r.description,
    parameters: JSON.parse(r.parameters),
    fileValidity: r.file_validity,
    status: r.status as Product["status"],
    revision: r.revision,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function checkFileValidity(v: string | null | undefined): void {
  if (v !== undefined && v !== null && !isDuration(v))
    throw invalid([
      {
        field: "fileValidity",
        message: `${v} must be an ISO-8601 duration such as P30D, or null for files that never expire`,
      },
    ]);
}

export class ProductService {
  constructor(private readonly deps: Deps) {}

  async create(ctx: Ctx, input: ProductInput): Promise<Product> {
    requireIsvAdmin(ctx, "manage the catalog");
    const parameters = input.parameters ?? [];
    const issues = checkDefinitions(parameters);
    if (issues.length) throw invalid(issues);
    checkFileValidity(input.fileValidity);
    const now = this.deps.clock.now();
    const iso = now.toISOString();
    const row: ProductRow = {
      id: newId(now.getTime()),
      code: input.code,
      name: input.name,
      description: input.description ?? "",
      parameters: JSON.stringify(parameters),
      file_validity:
        input.fileValidity === undefined ? this.deps.config.defaultFileValidity : input.fileValidity,
      status: "active",
      revision: 1,
      created_at: iso,
      updated_at: iso,
    };
    return this.deps.db.transaction().execute(async (trx) => {
      if (await findProductByCode(trx, input.code))
        throw new AppError(
          ErrorCode.PRODUCT_CODE_TAKEN,
          `code: product code ${input.code} is already used; product codes are unique`,
          {
            field: "code",
          },
        );
      await insertProduct(trx, row);
      await this.saveRevision(trx, row);
      const product = presentProduct(row);
      await recordAudit(trx, ctx, now, [
        { action: "product.created", entityType: "product", entityId: row.id, after: product },
      ]);
      return product;
    });
  }

  async get(code: number): Promise<Product> {
    const row = await findProductByCode(this.deps.db, code);
    if (!row) throw notFound("product", code);
    return presentProduct(row);
  }

  async list(q: { status?: string; search?: string; cursor?: number; limit: number }) {
    const rows = await listProducts(this.deps.db, { ...q, afterCode: q.cursor, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit).map(presentProduct);
    return { data: page, nextCursor: rows.length > q.limit ? String(page[page.length - 1]!.code) : null };
  }

  /** How many products there are, optionally of one status (the catalog's overview). */
  count(status?: "active" | "archived"): Promise<number> {
    return countProducts(this.deps.db, status);
  }

  /** Changes apply to licenses created afterwards: existing licenses keep their revision. */
  async update(ctx: Ctx, code: number, changes: ProductChanges): Promise<Product> {
    requireIsvAdmin(ctx, "manage the catalog");
    if (changes.parameters) {
      const issues = checkDefinitions(changes.parameters);
      if (issues.length) throw invalid(issues);
    }
    checkFileValidity(changes.fileValidity);
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      const row = await findProductByCode(trx, code);
      if (!row) throw notFound("product", code);
      const before = presentProduct(row);
      const next: ProductRow = {
        ...row,
        name: changes.name ?? row.name,
        description: changes.description ?? row.description,
        parameters: changes.parameters ? JSON.stringify(changes.parameters) : row.parameters,
        file_validity: changes.fileValidity === undefined ? row.file_validity : changes.fileValidity,
        revision: row.revision + 1,
        updated_at: now.toISOString(),
      };
      await updateProduct(trx, row.id, next);
      await this.saveRevision(trx, next);
      const after = presentProduct(next);
      await recordAudit(trx, ctx, now, [
        { action: "product.updated", entityType: "product", entityId: row.id, before, after },
      ]);
      return after;
    });
  }

  /** Archived products take no new orders; their licenses keep working. */
  async setArchived(ctx: Ctx, code: number, archived: boolean): Promise<Product> {
    requireIsvAdmin(ctx, "manage the catalog");
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      const row = await findProductByCode(trx, code);
      if (!row) throw notFound("product", code);
      const status = archived ? "archived" : "active";
      if (row.status === status) return presentProduct(row);
      const next = { ...row, status, updated_at: now.toISOString() };
      await updateProduct(trx, row.id, { status, updated_at: next.updated_at });
      const after = presentProduct(next);
      await recordAudit(trx, ctx, now, [
        {
          action: archived ? "product.archived" : "product.restored",
          entityType: "product",
          entityId: row.id,
          before: presentProduct(row),
          after,
        },
      ]);
      return after;
    });
  }

  private async saveRevision(trx: Db, row: ProductRow): Promise<void> {
    await insertProductRevision(trx, {
      product_id: row.id,
      revision: row.revision,
      name: row.name,
      parameters: row.parameters,
      file_validity: row.file_validity,
      created_at: row.updated_at,
    });
  }
}
