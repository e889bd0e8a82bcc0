import { type Kysely, sql } from "kysely";

/** The partner model: group paths, login state, sessions, categories, grants, data fields. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Materialized path of ids (`/root/child/`): a subtree is one prefix match.
  await db.schema
    .alterTable("groups")
    .addColumn("path", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await sql`update groups set path = '/' || id || '/' where parent_id is null`.execute(db);
  await db.schema.createIndex("groups_path").on("groups").column("path").execute();

  await db.schema
    .alterTable("users")
    .addColumn("failed_logins", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("users").addColumn("locked_until", "text").execute();
  await db.schema.alterTable("users").addColumn("updated_at", "text").execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("csrf_secret", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sessions_user").on("sessions").column("user_id").execute();

  await db.schema
    .createTable("categories")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("name_key", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("category_products")
    .addColumn("category_id", "text", (c) => c.notNull().references("categories.id"))
    .addColumn("product_id", "text", (c) => c.notNull().references("products.id"))
    .addColumn("config", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("category_products_pk", ["category_id", "product_id"])
    .execute();

  await db.schema
    .createTable("grants")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("category_id", "text", (c) => c.notNull().references("categories.id"))
    .addColumn("right", "text", (c) => c.notNull())
    .addColumn("grantor_id", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("grants_unique", ["user_id", "category_id", "right", "grantor_id"])
    .execute();
  await db.schema
    .createIndex("grants_category_right")
    .on("grants")
    .columns(["category_id", "right"])
    .execute();
  await db.schema.createIndex("grants_grantor").on("grants").columns(["grantor_id"]).execute();

  await db.schema
    .createTable("data_fields")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("key", "text", (c) => c.notNull().unique())
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("required", "integer", (c) => c.notNull())
    .addColumn("is_unique", "integer", (c) => c.notNull())
    .addColumn("rules", "text", (c) => c.notNull())
    .addColumn("categories", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("order_field_values")
    .addColumn("order_id", "text", (c) => c.notNull().references("orders.id"))
    .addColumn("field_id", "text", (c) => c.notNull().references("data_fields.id"))
    .addColumn("value", "text", (c) => c.notNull())
    /** Set for unique fields only: the unique index then holds across all orders. */
    .addColumn("unique_value", "text")
    .addPrimaryKeyConstraint("order_field_values_pk", ["order_id", "field_id"])
    .execute();
  await db.schema
    .createIndex("order_field_values_unique")
    .on("order_field_values")
    .columns(["field_id", "unique_value"])
    .unique()
    .execute();
  await db.schema
    .createIndex("order_field_values_search")
    .on("order_field_values")
    .columns(["field_id", "value"])
    .execute();

  await db.schema.createIndex("orders_category").on("orders").columns(["category_id"]).execute();
  await db.schema.createIndex("licenses_group").on("licenses").columns(["group_id", "id"]).execute();
  await db.schema.createIndex("licenses_category").on("licenses").columns(["category_id"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    "order_field_values",
    "data_fields",
    "grants",
    "category_products",
    "categories",
    "sessions",
  ])
    await db.schema.dropTable(t).execute();
  await db.schema.dropIndex("groups_path").execute();
  await db.schema.alterTable("groups").dropColumn("path").execute();
  for (const c of ["failed_logins", "locked_until", "updated_at"])
    await db.schema.alterTable("users").dropColumn(c).execute();
}
