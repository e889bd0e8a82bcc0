import type { LoadResult } from "./load.ts";

/** Options of one bench run, from the command line (see run.ts). */
export interface BenchOptions {
  /** Seconds of measured load per HTTP scenario. */
  duration: number;
  /** Seconds of unmeasured load before each measurement (JIT, caches, SQLite pages). */
  warmup: number;
  /** Concurrent HTTP connections of autocannon. */
  connections: number;
  /** Licenses in the large database of the scale scenario. */
  largeLicenses: number;
  /** Capture a CPU profile of the server during each measurement (bench/results/profiles/). */
  profile: boolean;
  /** Seconds a scenario waits for other processes to leave the CPUs before it starts (0: no wait). */
  quietWait: number;
  /** Scenario names to run; empty means all. */
  only: string[];
}

/** What a scenario measured. Throughput is always "operations per second" of the scenario's unit. */
export interface ScenarioResult {
  name: string;
  title: string;
  /** Successful operations per second. */
  throughput: number;
  /** What one operation is, e.g. "req" or "verify". */
  unit: string;
  /** HTTP scenarios: latency, status codes, server RSS and CPU. */
  http?: LoadResult;
  /** Anything else worth keeping: setup timings, variants, sizes. */
  details?: Record<string, unknown>;
  /** Summary of the server's CPU profile during the measurement, with --profile. */
  profile?: ProfileSummary;
}

/** The shape of a CPU profile summary (see profile.ts). */
export interface ProfileSummary {
  file: string;
  /** Sampled time on the main thread, ms, excluding idle. */
  busyMs: number;
  /** Share of busy time, by package or area. */
  byArea: { area: string; percent: number }[];
  /** Functions with the most self time. */
  topFrames: { frame: string; percent: number }[];
}

/** What the runner hands a scenario. */
export interface BenchContext {
  options: BenchOptions;
  /** Results of the scenarios that ran before, by name (a scenario may compare itself to another). */
  results: ReadonlyMap<string, ScenarioResult>;
  log(message: string): void;
}

/** One benchmark. Each lives in its own module under scenarios/ and is listed in run.ts. */
export interface Scenario {
  /** Short id used by `--only` and in results/latest.json. */
  name: string;
  /** Label for the table. */
  title: string;
  run(ctx: BenchContext): Promise<ScenarioResult>;
}
