import { type Kysely, sql } from "kysely";
import { isPostgres } from "../db.ts";

/** The licensing core: keys, identity, catalog, orders, licenses, activations, audit. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable("signing_keys")
    .addColumn("kid", "text", (c) => c.primaryKey())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("public_jwk", "text", (c) => c.notNull())
    .addColumn("private_key_sealed", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("retired_at", "text")
    .execute();

  await db.schema
    .createTable("groups")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("parent_id", "text", (c) => c.references("groups.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id"))
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("password_hash", "text")
    .addColumn("is_admin", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("api_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text")
    .addColumn("revoked_at", "text")
    .execute();

  await db.schema
    .createTable("products")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("code", "integer", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("parameters", "text", (c) => c.notNull())
    .addColumn("file_validity", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("revision", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("product_revisions")
    .addColumn("product_id", "text", (c) => c.notNull().references("products.id"))
    .addColumn("revision", "integer", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("parameters", "text", (c) => c.notNull())
    .addColumn("file_validity", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("product_revisions_pk", ["product_id", "revision"])
    .execute();

  await db.schema
    .createTable("orders")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("ticket", "text", (c) => c.notNull().unique())
    .addColumn("external_order_number", "text", (c) => c.unique())
    .addColumn("customer_name", "text")
    .addColumn("customer_email", "text")
    .addColumn("customer_company", "text")
    .addColumn("customer_search", "text", (c) => c.notNull())
    .addColumn("category_id", "text")
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id"))
    .addColumn("created_by", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("request_hash", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("orders_created_at").on("orders").columns(["created_at", "id"]).execute();
  await db.schema.createIndex("orders_group").on("orders").columns(["group_id", "id"]).execute();

  await db.schema
    .createTable("licenses")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("order_id", "text", (c) => c.notNull().references("orders.id"))
    .addColumn("product_id", "text", (c) => c.notNull().references("products.id"))
    .addColumn("product_code", "integer", (c) => c.notNull())
    .addColumn("product_name", "text", (c) => c.notNull())
    .addColumn("product_revision", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("rules", "text", (c) => c.notNull())
    .addColumn("values", "text", (c) => c.notNull())
    .addColumn("seats", "integer", (c) => c.notNull())
    .addColumn("active_seats", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("expires_at", "text")
    .addColumn("maintenance_until", "text")
    .addColumn("category_id", "text")
    .addColumn("group_id", "text", (c) => c.notNull())
    .addColumn("first_activated_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addCheckConstraint("licenses_seats", sql`active_seats >= 0 and active_seats <= seats`)
    .execute();
  await db.schema.createIndex("licenses_order").on("licenses").column("order_id").execute();
  await db.schema.createIndex("licenses_product").on("licenses").columns(["product_code", "id"]).execute();

  await db.schema
    .createTable("activations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("license_id", "text", (c) => c.notNull().references("licenses.id"))
    .addColumn("fingerprint", "text", (c) => c.notNull())
    .addColumn("device_name", "text", (c) => c.notNull())
    .addColumn("parameters", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("license_file", "text", (c) => c.notNull())
    .addColumn("file_version", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("refreshed_at", "text", (c) => c.notNull())
    .addColumn("returned_at", "text")
    .execute();
  // One active activation per device and license, whatever the concurrency.
  await db.schema
    .createIndex("activations_active_device")
    .on("activations")
    .columns(["license_id", "fingerprint"])
    .unique()
    .where(sql.ref("status"), "=", "active")
    .execute();
  await db.schema.createIndex("activations_license").on("activations").column("license_id").execute();

  await db.schema
    .createTable("idempotency_keys")
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("request_hash", "text", (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("response", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["scope", "key"])
    .execute();

  await db.schema
    .createTable("audit_events")
    .addColumn("seq", pg ? "bigserial" : "integer", (c) =>
      pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn("id", "text", (c) => c.notNull().unique())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor_type", "text", (c) => c.notNull())
    .addColumn("actor_id", "text")
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("entity_type", "text", (c) => c.notNull())
    .addColumn("entity_id", "text", (c) => c.notNull())
    .addColumn("group_id", "text")
    .addColumn("before", "text")
    .addColumn("after", "text")
    .execute();
  await db.schema
    .createIndex("audit_entity")
    .on("audit_events")
    .columns(["entity_type", "entity_id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    "audit_events",
    "idempotency_keys",
    "activations",
    "licenses",
    "orders",
    "product_revisions",
    "products",
    "api_keys",
    "users",
    "groups",
    "signing_keys",
  ])
    await db.schema.dropTable(t).execute();
}
