import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { AppError, ErrorCode } from "../domain/errors.ts";
import type { Ctx, Deps } from "../services/context.ts";
import type { NoticeService } from "../services/notice.service.ts";
import { requireIsvAdmin } from "../services/permissions.ts";
import type { RenewalRunResult, SubscriptionService } from "../services/subscription.service.ts";
import { saveJob } from "../store/job.store.ts";

/** The jobs there are; `licentra jobs run <name>` and the API run them on demand. */
export const JOB_NAMES = ["renewals"] as const;
export type JobName = (typeof JOB_NAMES)[number];

/** What one run of a job did. */
export interface JobResult {
  job: JobName;
  /** The process that ran it. */
  node: string;
  startedAt: string;
  finishedAt: string;
  renewals: RenewalRunResult;
  notices: { sent: number; logged: number; failed: number };
}

/**
 * Runs jobs, on demand or for the scheduler, and records each run in the `jobs` table. Runs are
 * not exclusive: every node may run at once, and the work itself is split safely between them
 * (see SubscriptionService.runDue).
 */
export class JobRunner {
  /** This process, as recorded with the terms it renews: host, pid and a random suffix. */
  readonly node = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;

  constructor(
    private readonly deps: Deps,
    private readonly subscriptions: SubscriptionService,
    private readonly notices: NoticeService,
  ) {}

  /** Runs a job now; ISV admins (and the system) only. */
  async run(ctx: Ctx, name: string): Promise<JobResult> {
    requireIsvAdmin(ctx, "run jobs");
    if (!(JOB_NAMES as readonly string[]).includes(name))
      throw new AppError(ErrorCode.NOT_FOUND, `there is no job "${name}"; jobs: ${JOB_NAMES.join(", ")}`, {
        resource: "job",
        id: name,
      });
    return this.renewals();
  }

  /** Renews, ends and reminds as of the clock's now, then delivers the queued notices. */
  async renewals(nextRunAt?: Date | null): Promise<JobResult> {
    const db = this.deps.db;
    const startedAt = new Date().toISOString();
    await saveJob(db, "renewals", { last_started_at: startedAt, last_node: this.node });
    const renewals = await this.subscriptions.runDue(this.node);
    const notices = await this.notices.deliverPending();
    const finishedAt = new Date().toISOString();
    const result: JobResult = { job: "renewals", node: this.node, startedAt, finishedAt, renewals, notices };
    await saveJob(db, "renewals", {
      last_finished_at: finishedAt,
      last_result: JSON.stringify({ renewals, notices }),
      ...(nextRunAt !== undefined ? { next_run_at: nextRunAt?.toISOString() ?? null } : {}),
    });
    if (renewals.terms || renewals.ended || renewals.failed)
      this.deps.log.info({ job: "renewals", renewals, notices }, "renewal job finished");
    return result;
  }
}
