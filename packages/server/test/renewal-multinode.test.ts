import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/store/db.ts";
import { ApiClient, createTestDatabase, dialects, type TestDatabase } from "./support/harness.ts";
import { licentraEnv, type ServerProcess, startServerProcess } from "./support/processes.ts";
import { seedDueSubscriptions } from "./support/subscriptions.ts";

const DIALECTS = await dialects();
const COUNT = 6000;

/**
 * Exactly-once renewal across nodes (DESIGN §2.6, §4): two `licentra serve` processes share one
 * fresh PostgreSQL database in which thousands of subscriptions are due. Both run the renewal job
 * at once, on their schedule (every second) and on demand through the API, several times.
 */
describe.runIf(DIALECTS.includes("postgres"))("renewal on two nodes of one PostgreSQL", () => {
  let db: TestDatabase;
  let adminKey: string;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase("postgres");
    ({ adminKey } = await seedDueSubscriptions(db, COUNT));
    const env = licentraEnv(db, { RENEWAL_SCHEDULE: "* * * * * *" });
    servers.push(
      ...(await Promise.all([
        startServerProcess(env, { simultaneous: true }),
        startServerProcess(env, { simultaneous: true }),
      ])),
    );
  }, 180_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.drop();
  });

  it("renews every due term exactly once, whichever node gets there", async () => {
    const runs = await Promise.all(
      [...servers, ...servers, ...servers].map((s) =>
        new ApiClient(s.url, adminKey).post("/api/v1/jobs/renewals/run"),
      ),
    );
    for (const r of runs) expect(r.status, JSON.stringify(r.body)).toBe(200);
    const handle = openDatabase({ dataDir: db.dataDir, databaseUrl: db.databaseUrl }, 2);
    try {
      const q = handle.db;
      // Scheduled runs may still be finishing their last batch; wait until nothing is due.
      const today = new Date().toISOString().slice(0, 10);
      for (let i = 0; i < 600; i++) {
        const due = await q
          .selectFrom("subscriptions")
          .select((e) => e.fn.countAll<number>().as("n"))
          .where("status", "=", "active")
          .where("deadline", "<", today)
          .executeTakeFirstOrThrow();
        if (Number(due.n) === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const terms = await q
        .selectFrom("subscription_terms")
        .select(["subscription_id", (e) => e.fn.countAll<number>().as("n")])
        .groupBy("subscription_id")
        .execute();
      expect(terms).toHaveLength(COUNT);
      expect(terms.filter((t) => Number(t.n) !== 2)).toEqual([]);
      const subs = await q
        .selectFrom("subscriptions")
        .innerJoin("licenses", "licenses.id", "subscriptions.license_id")
        .select(["subscriptions.term", "subscriptions.end_date", "licenses.version", "licenses.expires_at"])
        .execute();
      expect(subs.filter((s) => s.term !== 2 || s.version !== 2 || s.expires_at !== s.end_date)).toEqual([]);
      const events = await q
        .selectFrom("outbox_events")
        .select([
          (e) => e.fn.countAll<number>().as("n"),
          sql<number>`count(distinct subject_id)`.as("subjects"),
        ])
        .where("type", "=", "subscription.renewed")
        .executeTakeFirstOrThrow();
      expect(events).toEqual({ n: COUNT, subjects: COUNT });
      const audits = await q
        .selectFrom("audit_events")
        .select((e) => e.fn.countAll<number>().as("n"))
        .where("action", "=", "subscription.renewed")
        .executeTakeFirstOrThrow();
      expect(Number(audits.n)).toBe(COUNT);
      // Both processes did part of the work.
      const nodes = await q
        .selectFrom("subscription_terms")
        .select(["recorded_by", (e) => e.fn.countAll<number>().as("n")])
        .where("kind", "=", "renewal")
        .groupBy("recorded_by")
        .execute();
      const pids = new Set(nodes.map((n) => n.recorded_by!.split(":")[1]));
      expect(pids).toEqual(new Set(servers.map((s) => String(s.pid))));
      // The schedule ran too: only scheduled runs record the next run.
      const job = await q
        .selectFrom("jobs")
        .selectAll()
        .where("name", "=", "renewals")
        .executeTakeFirstOrThrow();
      expect(job.next_run_at).not.toBeNull();
    } finally {
      await handle.close();
    }
    const again = await new ApiClient(servers[1]!.url, adminKey).post("/api/v1/jobs/renewals/run");
    expect(again.body.renewals).toMatchObject({ renewed: 0, terms: 0 });
  }, 180_000);
});
