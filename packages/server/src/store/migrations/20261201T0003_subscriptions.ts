import type { Kysely } from "kysely";
import { isPostgres } from "../db.ts";

/** Subscriptions and their terms, the event outbox, email notices and the job schedule (DESIGN §2.6). */
export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable("subscriptions")
    .addColumn("id", "text", (c) => c.primaryKey())
    // No foreign key: a license that was never activated may be deleted; its subscription then ends.
    .addColumn("license_id", "text", (c) => c.notNull().unique())
    .addColumn("order_id", "text", (c) => c.notNull())
    .addColumn("category_id", "text", (c) => c.notNull())
    .addColumn("group_id", "text", (c) => c.notNull())
    .addColumn("product_code", "integer", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("term", "integer", (c) => c.notNull())
    .addColumn("first_end", "text", (c) => c.notNull())
    .addColumn("end_date", "text", (c) => c.notNull())
    .addColumn("deadline", "text", (c) => c.notNull())
    .addColumn("cancellation_period", "text", (c) => c.notNull())
    .addColumn("renewal_term", "text", (c) => c.notNull())
    .addColumn("align_to", "text")
    .addColumn("cancelled_at", "text")
    .addColumn("cancelled_by", "text")
    .addColumn("ended_at", "text")
    .addColumn("end_reason", "text")
    .addColumn("reminded_term", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("subscriptions_due")
    .on("subscriptions")
    .columns(["status", "deadline", "id"])
    .execute();
  await db.schema
    .createIndex("subscriptions_ending")
    .on("subscriptions")
    .columns(["status", "end_date", "id"])
    .execute();
  await db.schema
    .createIndex("subscriptions_group")
    .on("subscriptions")
    .columns(["group_id", "id"])
    .execute();
  await db.schema.createIndex("subscriptions_order").on("subscriptions").column("order_id").execute();

  // The primary key is the last guard of exactly-once renewal: a term is written once or not at all.
  await db.schema
    .createTable("subscription_terms")
    .addColumn("subscription_id", "text", (c) => c.notNull().references("subscriptions.id"))
    .addColumn("term", "integer", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("start_date", "text", (c) => c.notNull())
    .addColumn("end_date", "text", (c) => c.notNull())
    .addColumn("deadline", "text", (c) => c.notNull())
    .addColumn("effective_day", "text", (c) => c.notNull())
    .addColumn("license_version", "integer", (c) => c.notNull())
    .addColumn("recorded_at", "text", (c) => c.notNull())
    .addColumn("recorded_by", "text")
    .addPrimaryKeyConstraint("subscription_terms_pk", ["subscription_id", "term"])
    .execute();

  await db.schema
    .createTable("outbox_events")
    .addColumn("seq", pg ? "bigserial" : "integer", (c) =>
      pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn("id", "text", (c) => c.notNull().unique())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("subject_type", "text", (c) => c.notNull())
    .addColumn("subject_id", "text", (c) => c.notNull())
    .addColumn("group_id", "text")
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("delivered_at", "text")
    .execute();
  await db.schema.createIndex("outbox_report").on("outbox_events").columns(["type", "day"]).execute();
  await db.schema
    .createIndex("outbox_subject")
    .on("outbox_events")
    .columns(["subject_type", "subject_id", "seq"])
    .execute();

  await db.schema
    .createTable("notices")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("subscription_id", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("recipient", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "text", (c) => c.notNull())
    .addColumn("last_error", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("sent_at", "text")
    .execute();
  await db.schema
    .createIndex("notices_pending")
    .on("notices")
    .columns(["status", "next_attempt_at"])
    .execute();

  await db.schema
    .createTable("jobs")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("next_run_at", "text")
    .addColumn("last_started_at", "text")
    .addColumn("last_finished_at", "text")
    .addColumn("last_node", "text")
    .addColumn("last_result", "text")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ["jobs", "notices", "outbox_events", "subscription_terms", "subscriptions"])
    await db.schema.dropTable(t).execute();
}
