import { checkDataFieldDefinition, type DataFieldDefinition } from "../domain/data-fields.ts";
import { AppError, ErrorCode, invalid, notFound } from "../domain/errors.ts";
import { newId } from "../domain/ids.ts";
import { findCategoryById } from "../store/category.store.ts";
import {
  countValuesOfField,
  type DataFieldRow,
  deleteDataField,
  findDataFieldByKey,
  insertDataField,
  listDataFields,
  updateDataField,
} from "../store/data-field.store.ts";
import type { Db } from "../store/db.ts";
import { recordAudit } from "./audit.service.ts";
import type { Ctx, Deps } from "./context.ts";
import { requireIsvAdmin } from "./permissions.ts";

/** A data field as the API presents it. */
export interface DataField extends DataFieldDefinition {
  id: string;
  position: number;
  createdAt: string;
  updatedAt: string;
}

export type DataFieldInput = Omit<DataFieldDefinition, "required" | "unique" | "categories"> & {
  required?: boolean;
  unique?: boolean;
  categories?: string[];
  position?: number;
};

export function toDefinition(r: DataFieldRow): DataField {
  const rules = JSON.parse(r.rules) as Partial<DataFieldDefinition>;
  return {
    id: r.id,
    key: r.key,
    label: r.label,
    type: r.type as DataField["type"],
    required: r.required === 1,
    unique: r.is_unique === 1,
    ...rules,
    categories: JSON.parse(r.categories),
    position: r.position,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function rulesOf(d: DataFieldDefinition): string {
  return JSON.stringify({
    maxLength: d.maxLength,
    pattern: d.pattern,
    min: d.min,
    max: d.max,
    options: d.options,
  });
}

export class DataFieldService {
  constructor(private readonly deps: Deps) {}

  async list(): Promise<DataField[]> {
    return (await listDataFields(this.deps.db)).map(toDefinition);
  }

  async create(ctx: Ctx, input: DataFieldInput): Promise<DataField> {
    requireIsvAdmin(ctx, "configure data fields");
    const d: DataFieldDefinition = {
      ...input,
      required: input.required ?? false,
      unique: input.unique ?? false,
      categories: input.categories ?? [],
    };
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      await this.check(trx, d);
      if (await findDataFieldByKey(trx, d.key))
        throw new AppError(ErrorCode.VALIDATION_FAILED, `key: a data field "${d.key}" exists already`, {
          issues: [{ field: "key", message: "is taken" }],
        });
      const row: DataFieldRow = {
        id: newId(now.getTime()),
        key: d.key,
        label: d.label,
        type: d.type,
        required: d.required ? 1 : 0,
        is_unique: d.unique ? 1 : 0,
        rules: rulesOf(d),
        categories: JSON.stringify(d.categories),
        position: input.position ?? 0,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      };
      await insertDataField(trx, row);
      const field = toDefinition(row);
      await recordAudit(trx, ctx, now, [
        { action: "data_field.created", entityType: "data_field", entityId: row.id, after: field },
      ]);
      return field;
    });
  }

  /** Changes label, rules, required, categories and position. Key, type and uniqueness stay: stored values depend on them. */
  async update(
    ctx: Ctx,
    key: string,
    changes: Partial<Omit<DataFieldInput, "key" | "type" | "unique">>,
  ): Promise<DataField> {
    requireIsvAdmin(ctx, "configure data fields");
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      const row = await findDataFieldByKey(trx, key);
      if (!row) throw notFound("data field", key);
      const before = toDefinition(row);
      const d: DataFieldDefinition = { ...before, ...changes };
      await this.check(trx, d);
      const next: DataFieldRow = {
        ...row,
        label: d.label,
        required: d.required ? 1 : 0,
        rules: rulesOf(d),
        categories: JSON.stringify(d.categories),
        position: changes.position ?? row.position,
        updated_at: now.toISOString(),
      };
      await updateDataField(trx, row.id, next);
      const after = toDefinition(next);
      await recordAudit(trx, ctx, now, [
        { action: "data_field.updated", entityType: "data_field", entityId: row.id, before, after },
      ]);
      return after;
    });
  }

  /** Only a field no order has a value for. */
  async delete(ctx: Ctx, key: string): Promise<void> {
    requireIsvAdmin(ctx, "configure data fields");
    const now = this.deps.clock.now();
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await findDataFieldByKey(trx, key);
      if (!row) throw notFound("data field", key);
      const used = await countValuesOfField(trx, row.id);
      if (used > 0)
        throw new AppError(
          ErrorCode.VALIDATION_FAILED,
          `key: ${used} order(s) have a value for ${key}; it cannot be deleted`,
          { issues: [{ field: "key", message: "is in use" }] },
        );
      await deleteDataField(trx, row.id);
      await recordAudit(trx, ctx, now, [
        {
          action: "data_field.deleted",
          entityType: "data_field",
          entityId: row.id,
          before: toDefinition(row),
        },
      ]);
    });
  }

  private async check(db: Db, d: DataFieldDefinition): Promise<void> {
    const issues = checkDataFieldDefinition(d);
    for (const [i, c] of d.categories.entries())
      if (!(await findCategoryById(db, c)))
        issues.push({ field: `categories.${i}`, message: `category ${c} does not exist` });
    if (issues.length) throw invalid(issues);
  }
}
