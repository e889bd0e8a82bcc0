import type { ScenarioResult } from "./lib/types.ts";

/** A target of the benchmark issue, checked against one run's results. */
export interface Target {
  id: string;
  description: string;
  /** The measured value and the bound it must meet, or null when a scenario it needs did not run. */
  check(r: Results): { value: number; bound: number; unit: string; met: boolean } | null;
}

export interface TargetOutcome {
  id: string;
  description: string;
  value: number | null;
  bound: number | null;
  unit: string;
  met: boolean | null;
}

/** Results of a run by scenario name, with the echo baseline (mean of the echo runs). */
export class Results {
  constructor(readonly byName: ReadonlyMap<string, ScenarioResult>) {}

  get(name: string): ScenarioResult | undefined {
    return this.byName.get(name);
  }

  /** Requests per second of the bare Fastify echo: the mean of the runs at the start and the end. */
  baseline(): number | null {
    const runs = ["echo", "echo-end"]
      .map((n) => this.byName.get(n)?.throughput)
      .filter((v) => v !== undefined);
    return runs.length ? runs.reduce((a, b) => a + b, 0) / runs.length : null;
  }

  /**
   * The echo's server CPU per request over this scenario's: the throughput ratio one dedicated core
   * would give. Less disturbed than `ratioToEcho` when other processes compete for the CPUs.
   */
  cpuRatioToEcho(name: string): number | null {
    const echo = ["echo", "echo-end"]
      .map((n) => this.byName.get(n)?.http?.serverCpuUsPerRequest)
      .filter((v): v is number => v !== undefined && v > 0);
    const r = this.byName.get(name)?.http?.serverCpuUsPerRequest;
    if (!echo.length || !r) return null;
    return echo.reduce((a, b) => a + b, 0) / echo.length / r;
  }

  ratioToEcho(name: string): number | null {
    const b = this.baseline();
    const r = this.byName.get(name);
    return b && r?.http ? r.throughput / b : null;
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export const TARGETS: Target[] = [
  {
    id: "validate-ratio",
    description: "validation by license id + fingerprint ≥ 0.5× the echo baseline",
    check: (r) => {
      const v = r.ratioToEcho("validate-1k");
      return v === null ? null : { value: round2(v), bound: 0.5, unit: "× echo", met: v >= 0.5 };
    },
  },
  {
    id: "validate-p99",
    description: "validation p99 latency < 15 ms (50 connections)",
    check: (r) => {
      const v = r.get("validate-1k")?.http?.latency.p99;
      return v === undefined ? null : { value: v, bound: 15, unit: "ms", met: v < 15 };
    },
  },
  {
    id: "activate-rate",
    description: "activation of a new device ≥ 5,000/s",
    check: (r) => {
      const v = r.get("activate")?.throughput;
      return v === undefined ? null : { value: v, bound: 5000, unit: "req/s", met: v >= 5000 };
    },
  },
  {
    id: "orders-rate",
    description: "order creation with one item ≥ 4,000/s",
    check: (r) => {
      const v = r.get("orders")?.throughput;
      return v === undefined ? null : { value: v, bound: 4000, unit: "req/s", met: v >= 4000 };
    },
  },
  {
    id: "orders-category-ratio",
    description: "order creation through a category within 20 % of order creation without",
    check: (r) => {
      const a = r.get("orders-category")?.throughput;
      const b = r.get("orders")?.throughput;
      return a === undefined || b === undefined
        ? null
        : { value: round2(a / b), bound: 0.8, unit: "× without category", met: a / b >= 0.8 };
    },
  },
  {
    id: "orders-page-p99",
    description:
      "orders page with 100,000 orders renders < 100 ms (worst p99 of: admin, reseller, customer search, dates)",
    check: (r) => {
      const v = r.get("orders-page")?.details?.worstP99 as number | undefined;
      return v === undefined ? null : { value: v, bound: 100, unit: "ms", met: v < 100 };
    },
  },
  {
    id: "sdk-ratio",
    description: "SDK offline verification ≥ 0.8× bare crypto.verify",
    check: (r) => {
      const v = r.get("sdk-verify")?.details?.ratio as number | undefined;
      return v === undefined ? null : { value: v, bound: 0.8, unit: "× crypto.verify", met: v >= 0.8 };
    },
  },
  {
    id: "scale-ratio",
    description: "validation with 1,000,000 licenses ≥ 0.8× validation with 1,000",
    check: (r) => {
      const large = r.get("validate-1m")?.throughput;
      const small = r.get("validate-1k")?.throughput;
      if (large === undefined || small === undefined) return null;
      const v = large / small;
      return { value: round2(v), bound: 0.8, unit: "× 1k", met: v >= 0.8 };
    },
  },
  {
    id: "scale-rss",
    description: "server RSS under load with 1,000,000 licenses < 250 MB",
    check: (r) => {
      const v = r.get("validate-1m")?.http?.serverRss.maxMb;
      return v === undefined ? null : { value: v, bound: 250, unit: "MB", met: v < 250 };
    },
  },
];

export function checkTargets(r: Results): TargetOutcome[] {
  return TARGETS.map((t) => {
    const c = t.check(r);
    return {
      id: t.id,
      description: t.description,
      value: c?.value ?? null,
      bound: c?.bound ?? null,
      unit: c?.unit ?? "",
      met: c?.met ?? null,
    };
  });
}
