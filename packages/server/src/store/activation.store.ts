import { type Selectable, sql, type Updateable } from "kysely";
import type { Db } from "./db.ts";
import type { ActivationTable } from "./schema.ts";

export type ActivationRow = Selectable<ActivationTable>;

/**
 * `status = 'active'` is the condition of the partial index `activations_active_device`: as a
 * literal SQLite plans the index once; as a bound parameter it re-prepares on every execution.
 */
const ACTIVE = sql.lit("active");

export async function insertActivation(db: Db, row: ActivationRow): Promise<void> {
  await db.insertInto("activations").values(row).execute();
}

export function findActivationById(db: Db, id: string): Promise<ActivationRow | undefined> {
  return db.selectFrom("activations").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findActiveActivation(
  db: Db,
  licenseId: string,
  fingerprint: string,
): Promise<ActivationRow | undefined> {
  return db
    .selectFrom("activations")
    .selectAll()
    .where("license_id", "=", licenseId)
    .where("fingerprint", "=", fingerprint)
    .where("status", "=", ACTIVE)
    .executeTakeFirst();
}

export function findActivationsByLicenses(db: Db, licenseIds: string[]): Promise<ActivationRow[]> {
  if (!licenseIds.length) return Promise.resolve([]);
  return db
    .selectFrom("activations")
    .selectAll()
    .where("license_id", "in", licenseIds)
    .orderBy("id")
    .execute();
}

export async function updateActivation(
  db: Db,
  id: string,
  changes: Updateable<ActivationTable>,
): Promise<void> {
  await db.updateTable("activations").set(changes).where("id", "=", id).execute();
}

/** The license and its active activation for a device, in one query (the validation hot path). */
export function findLicenseForValidation(db: Db, licenseId: string, fingerprint: string) {
  return db
    .selectFrom("licenses")
    .leftJoin("activations", (j) =>
      j
        .onRef("activations.license_id", "=", "licenses.id")
        .on("activations.fingerprint", "=", fingerprint)
        .on("activations.status", "=", ACTIVE),
    )
    .select([
      "licenses.id",
      "licenses.status",
      "licenses.product_code",
      "licenses.expires_at",
      "licenses.maintenance_until",
      "licenses.values",
      "licenses.version",
      "activations.id as activation_id",
      "activations.parameters as activation_parameters",
    ])
    .where("licenses.id", "=", licenseId)
    .executeTakeFirst();
}
