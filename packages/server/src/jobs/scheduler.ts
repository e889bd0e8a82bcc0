import { Cron } from "croner";
import type { Deps } from "../services/context.ts";
import { findJob } from "../store/job.store.ts";
import type { JobRunner } from "./runner.ts";

/** The renewal job on its schedule inside `licentra serve`. */
export interface Scheduler {
  /** Stops scheduling and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs the renewal job on a cron schedule (`RENEWAL_SCHEDULE`). A run that is still going when
 * the next is due is not overlapped. On start, a run is made at once when the recorded next run
 * lies in the past or was never recorded: a node that was down catches up without waiting.
 */
export function startScheduler(deps: Deps, runner: JobRunner, schedule: string): Scheduler {
  let current: Promise<void> = Promise.resolve();
  let stopped = false;
  const run = (): Promise<void> => {
    if (stopped) return current;
    current = runner.renewals(cron.nextRun()).then(
      () => {},
      (err) => deps.log.error({ err }, "renewal job failed"),
    );
    return current;
  };
  const cron = new Cron(schedule, { protect: true, paused: true }, () => run());
  const start = findJob(deps.db, "renewals")
    .then((job) => {
      if (stopped) return;
      if (!job?.next_run_at || job.next_run_at <= new Date().toISOString()) return run();
    })
    .catch((err) => deps.log.error({ err }, "reading the renewal job's schedule failed"))
    .finally(() => {
      if (!stopped) cron.resume();
    });
  return {
    async stop() {
      stopped = true;
      cron.stop();
      await start;
      await current;
    },
  };
}
