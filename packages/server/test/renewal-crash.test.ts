import { spawn } from "node:child_process";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/store/db.ts";
import { createTestDatabase, type Dialect, dialects, type TestDatabase } from "./support/harness.ts";
import { LICENTRA_BIN, licentraEnv, REPO_ROOT, runCli } from "./support/processes.ts";
import { seedDueSubscriptions } from "./support/subscriptions.ts";

const COUNT = 20_000;

/**
 * A renewal run killed in the middle (SIGKILL) leaves each subscription renewed or not, never
 * half: its terms, its license's version and date, its audit and outbox events agree. The next
 * run finishes the rest, once.
 */
describe.each(await dialects())("a renewal run killed midway on %s", (dialect: Dialect) => {
  let db: TestDatabase;
  afterAll(async () => db?.drop());

  it("leaves every subscription renewed or not, and the next run completes it", async () => {
    db = await createTestDatabase(dialect);
    await seedDueSubscriptions(db, COUNT);
    const handle = openDatabase({ dataDir: db.dataDir, databaseUrl: db.databaseUrl }, 2);
    const q = handle.db;
    const renewedTerms = async () =>
      Number(
        (
          await q
            .selectFrom("subscription_terms")
            .select((e) => e.fn.countAll<number>().as("n"))
            .where("kind", "=", "renewal")
            .executeTakeFirstOrThrow()
        ).n,
      );
    /** Per subscription: its term, its written terms, its license and its events must agree. */
    const inconsistent = () =>
      sql<{ id: string }>`
        select s.id from subscriptions s
        join licenses l on l.id = s.license_id
        where l.version <> s.term
           or l.expires_at <> s.end_date
           or (select count(*) from subscription_terms t where t.subscription_id = s.id) <> s.term
           or (select max(term) from subscription_terms t where t.subscription_id = s.id) <> s.term
           or (select count(*) from outbox_events o
               where o.subject_type = 'subscription' and o.subject_id = s.id
                 and o.type = 'subscription.renewed') <> s.term - 1
           or (select count(*) from audit_events a
               where a.entity_type = 'subscription' and a.entity_id = s.id
                 and a.action = 'subscription.renewed') <> s.term - 1`
        .execute(q)
        .then((r) => r.rows);
    try {
      const env = licentraEnv(db);
      const child = spawn(process.execPath, [LICENTRA_BIN, "jobs", "run", "renewals"], {
        cwd: REPO_ROOT,
        env,
        stdio: "ignore",
      });
      const exited = new Promise((resolve) => child.once("exit", resolve));
      let seen = 0;
      const deadline = Date.now() + 120_000;
      while (seen === 0 && Date.now() < deadline && child.exitCode === null) {
        seen = await renewedTerms();
        if (seen === 0) await new Promise((r) => setTimeout(r, 10));
      }
      child.kill("SIGKILL");
      await exited;
      const killedAt = await renewedTerms();
      expect(killedAt, "the run was killed before it renewed anything").toBeGreaterThan(0);
      expect(killedAt, "the run finished before it could be killed").toBeLessThan(COUNT);
      expect(await inconsistent()).toEqual([]);

      const rerun = await runCli(["jobs", "run", "renewals"], env, 120_000);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stdout).toContain(`renewals: ${COUNT - killedAt} subscription(s) renewed`);
      expect(await renewedTerms()).toBe(COUNT);
      expect(await inconsistent()).toEqual([]);
      const twice = await q
        .selectFrom("subscriptions")
        .select((e) => e.fn.countAll<number>().as("n"))
        .where("term", "<>", 2)
        .executeTakeFirstOrThrow();
      expect(Number(twice.n)).toBe(0);
    } finally {
      await handle.close();
    }
  }, 300_000);
});
