// The benchmark suite: `npm run bench` (options: `npm run bench -- --help`).
// Each scenario is a module under scenarios/; this file lists them, runs them in order, prints the
// figures and the targets, and writes bench/results/latest.json.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { PROFILE_DIR } from "./lib/fixture.ts";
import { profileReport, scenarioTable, targetTable } from "./lib/report.ts";
import { clearProfiles, ROOT } from "./lib/server.ts";
import type { BenchContext, BenchOptions, Scenario, ScenarioResult } from "./lib/types.ts";
import { activateScenario } from "./scenarios/activate.ts";
import { echoScenario } from "./scenarios/echo.ts";
import { ordersScenario } from "./scenarios/orders.ts";
import { ordersCategoryScenario } from "./scenarios/orders-category.ts";
import { ordersPageScenario } from "./scenarios/orders-page.ts";
import { renewalsScenario } from "./scenarios/renewals.ts";
import { sdkVerifyScenario } from "./scenarios/sdk-verify.ts";
import { validateScenario } from "./scenarios/validate.ts";
import { checkTargets, Results } from "./targets.ts";

const USAGE = `npm run bench -- [options]
  --only a,b         run only these scenarios (names below)
  --duration S       measured seconds per HTTP scenario (default 10)
  --warmup S         warm-up seconds before each measurement (default 3)
  --connections N    autocannon connections (default 50)
  --large N          licenses in the scale scenario's database (default 1000000)
  --quiet-wait S     before each measurement, wait up to S seconds for other processes to leave
                     the CPUs (default 30; 0 disables)
  --profile          CPU-profile the server during each measurement (bench/results/profiles/)
  --out FILE         where to write the JSON results (default bench/results/latest.json)
  --report FILE      print the tables of an earlier run's JSON results and exit`;

/** Every scenario, in the order they run. The echo baseline runs first and last. */
function scenarios(o: BenchOptions): Scenario[] {
  return [
    echoScenario(),
    validateScenario({ name: "validate-1k", title: "validation, 1,000 licenses", licenses: 1000 }),
    activateScenario,
    ordersScenario,
    ordersCategoryScenario,
    ordersPageScenario,
    validateScenario({
      name: "validate-1m",
      title: `validation, ${o.largeLicenses.toLocaleString("en")} licenses`,
      licenses: o.largeLicenses,
    }),
    sdkVerifyScenario,
    renewalsScenario,
    echoScenario("echo-end", "bare Fastify JSON echo (again, at the end)"),
  ];
}

function options(): BenchOptions & { out: string } {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      duration: { type: "string", default: "10" },
      warmup: { type: "string", default: "3" },
      connections: { type: "string", default: "50" },
      large: { type: "string", default: "1000000" },
      profile: { type: "boolean", default: false },
      "quiet-wait": { type: "string", default: "30" },
      out: { type: "string", default: path.join(ROOT, "bench/results/latest.json") },
      report: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    const names = scenarios({ largeLicenses: 1_000_000 } as BenchOptions).map((s) => s.name);
    console.log(`${USAGE}\n\nscenarios, in the order they run: ${names.join(", ")}`);
    process.exit(0);
  }
  if (values.report) {
    printReport(JSON.parse(readFileSync(values.report, "utf8")).scenarios as ScenarioResult[]);
    process.exit(0);
  }
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      console.error(`--${name} ${v}: expected a whole number of at least ${min}\n\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  return {
    duration: int("duration", values.duration, 1),
    warmup: int("warmup", values.warmup, 0),
    connections: int("connections", values.connections, 1),
    largeLicenses: int("large", values.large, 1000),
    profile: values.profile,
    quietWait: int("quiet-wait", values["quiet-wait"], 0),
    only: values.only ? values.only.split(",").map((s) => s.trim()) : [],
    out: path.resolve(values.out),
  };
}

/** The commit measured, and whether the work tree differed from it. */
function source() {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
  try {
    return { commit: git("rev-parse", "HEAD"), dirty: git("status", "--porcelain", "packages").length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}

function machine() {
  const sqlite = new Database(":memory:");
  const sqliteVersion = (sqlite.prepare("select sqlite_version() as v").get() as { v: string }).v;
  sqlite.close();
  return {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    sqlite: sqliteVersion,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** Biome's line width: arrays of plain values that fit on one line are written on one line. */
const LINE_WIDTH = 110;

/** JSON as `biome format` writes it, so a committed results file passes `npm run lint`. */
function toJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2);
  return `${text.replace(/\[\n\s+([^[\]{}]*?)\n\s*\]/g, (whole, inner: string, at: number) => {
    const line = `[${inner.split(/,\n\s+/).join(", ")}]`;
    const indent = at - text.lastIndexOf("\n", at) - 1;
    return indent + line.length + 1 <= LINE_WIDTH ? line : whole;
  })}\n`;
}

/** The figures, the targets and any profiles of a run, as tables. */
function printReport(list: ScenarioResult[]) {
  const results = new Results(new Map(list.map((s) => [s.name, s])));
  const targets = checkTargets(results);
  console.log(`\n${scenarioTable(list, results)}`);
  console.log(`\n${targetTable(targets)}`);
  if (list.some((s) => s.profile)) console.log(profileReport(list));
  const noisy = list.filter((s) => (s.http?.cpu.other ?? 0) > 0.2);
  if (noisy.length)
    console.log(
      `\nwarning: other processes used more than 0.2 cores during ${noisy.map((s) => s.name).join(", ")}; those figures are low`,
    );
  return { results, targets };
}

async function main() {
  const o = options();
  const all = scenarios(o);
  const unknown = o.only.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length) {
    console.error(`unknown scenario(s) ${unknown.join(", ")}; known: ${all.map((s) => s.name).join(", ")}`);
    process.exit(2);
  }
  const selected = o.only.length ? all.filter((s) => o.only.includes(s.name)) : all;
  if (o.profile) clearProfiles(PROFILE_DIR);
  const info = machine();
  console.log(
    `Licentra bench: ${info.cores} × ${info.cpu}, Node ${info.node}, SQLite ${info.sqlite}, load average ${info.loadAverageAtStart.join(" ")}`,
  );

  const byName = new Map<string, ScenarioResult>();
  const started = performance.now();
  for (const s of selected) {
    const t0 = performance.now();
    const ctx: BenchContext = {
      options: o,
      results: byName,
      log: (m) => console.log(`  [${s.name}] ${m}`),
    };
    console.log(`\n▶ ${s.title}`);
    const result = await s.run(ctx);
    byName.set(s.name, result);
    const h = result.http;
    console.log(
      `  [${s.name}] ${Math.round(result.throughput).toLocaleString("en")} ${result.unit}/s` +
        (h ? `, p50 ${h.latency.p50} ms, p99 ${h.latency.p99} ms, RSS max ${h.serverRss.maxMb} MB` : "") +
        ` (${Math.round((performance.now() - t0) / 1000)} s)`,
    );
  }

  const { results, targets } = printReport([...byName.values()]);
  const list = [...byName.values()];

  mkdirSync(path.dirname(o.out), { recursive: true });
  const baseline = results.baseline();
  writeFileSync(
    o.out,
    toJson({
      generatedAt: new Date().toISOString(),
      totalSeconds: Math.round((performance.now() - started) / 1000),
      machine: info,
      source: source(),
      options: { ...o, out: undefined },
      baselineEchoPerSecond: baseline === null ? null : Math.round(baseline),
      scenarios: list.map((s) => ({
        ...s,
        ratioToEcho: results.ratioToEcho(s.name),
        cpuRatioToEcho: results.cpuRatioToEcho(s.name),
      })),
      targets,
    }),
  );

  console.log(`\nresults written to ${path.relative(process.cwd(), o.out)}`);
}

await main();
