import { waitForQuiet } from "./proc.ts";
import type { BenchContext } from "./types.ts";

/** Other processes may use this much of the machine when a measurement starts, in cores. */
const QUIET_CORES = 0.25;

/**
 * Before a measurement: waits (up to --quiet-wait seconds) for other processes on the machine to
 * go quiet, and says so when they did not. What they use during the measurement is reported too.
 */
export async function waitUntilQuiet(ctx: BenchContext): Promise<void> {
  if (ctx.options.quietWait <= 0) return;
  const other = await waitForQuiet(QUIET_CORES, ctx.options.quietWait);
  if (other > QUIET_CORES)
    ctx.log(`other processes still use ${other} cores after ${ctx.options.quietWait} s; measuring anyway`);
}
