import type { Results, TargetOutcome } from "../targets.ts";
import type { ScenarioResult } from "./types.ts";

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const num = (n: number) => Math.round(n).toLocaleString("en");

/** The figures of every scenario, one line each. */
export function scenarioTable(results: ScenarioResult[], r: Results): string {
  const rows = results.map((s) => {
    const ratio = r.ratioToEcho(s.name);
    const cpuRatio = r.cpuRatioToEcho(s.name);
    const h = s.http;
    return [
      s.title,
      `${num(s.throughput)} ${s.unit}/s`,
      h ? String(h.latency.p50) : "",
      h ? String(h.latency.p99) : "",
      ratio === null ? "" : `${ratio.toFixed(2)}×`,
      cpuRatio === null ? "" : `${cpuRatio.toFixed(2)}×`,
      h ? String(h.serverRss.maxMb) : "",
      h ? String(h.serverCpuUsPerRequest) : "",
      h ? `${h.cpu.server}/${h.cpu.bench}/${h.cpu.other}` : "",
      h ? String(h.non2xx + h.errors) : "",
    ];
  });
  return table(
    [
      "scenario",
      "throughput",
      "p50 ms",
      "p99 ms",
      "vs echo",
      "vs echo (CPU)",
      "RSS MB",
      "srv CPU µs/req",
      "cores srv/bench/other",
      "failed",
    ],
    rows,
  );
}

export function targetTable(outcomes: TargetOutcome[]): string {
  return table(
    ["target", "measured", "bound", "met"],
    outcomes.map((t) => [
      t.description,
      t.value === null ? "not run" : `${t.value} ${t.unit}`,
      t.bound === null ? "" : String(t.bound),
      t.met === null ? "" : t.met ? "yes" : "NO",
    ]),
  );
}

/** Top frames of each profiled scenario. */
export function profileReport(results: ScenarioResult[]): string {
  const out: string[] = [];
  for (const s of results) {
    if (!s.profile) continue;
    out.push(`\n${s.title} — ${s.profile.file}, ${s.profile.busyMs} ms busy`);
    out.push(`  by area: ${s.profile.byArea.map((a) => `${a.area} ${a.percent}%`).join(", ")}`);
    for (const f of s.profile.topFrames.slice(0, 15))
      out.push(`  ${f.percent.toFixed(1).padStart(5)}%  ${f.frame}`);
  }
  return out.join("\n");
}
