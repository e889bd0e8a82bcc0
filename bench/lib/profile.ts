import { readFileSync } from "node:fs";
import path from "node:path";
import type { ProfileSummary } from "./types.ts";

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** better-sqlite3's native methods: preparing (`Statement`) and running statements. */
const SQLITE_NATIVE = new Set(["Statement", "all", "get", "run", "iterate", "exec"]);
const SOCKET_NATIVE = new Set(["writev", "writeUtf8String", "writeBuffer", "writeLatin1String"]);

/** What a frame belongs to: an npm package, a server layer, Node itself, or V8/native work. */
export function areaOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === "(garbage collector)") return "gc";
    if (SQLITE_NATIVE.has(functionName)) return "better-sqlite3 (native: prepare, step)";
    if (SOCKET_NATIVE.has(functionName)) return "socket writes (syscalls)";
    if (functionName === "(program)" || functionName === "(root)") return "v8/native";
    return `native: ${functionName}`;
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  const server = /packages\/server\/src\/([^/]+)\//.exec(url);
  if (server) return `server/${server[1]}`;
  if (url.includes("packages/client/")) return "client sdk";
  if (url.startsWith("node:")) {
    const mod = url.slice(5).split("/");
    return `node:${mod[0] === "internal" ? (mod[1] ?? "internal") : mod[0]}`;
  }
  return path.basename(url);
}

function frameName(n: CpuProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const where = url
    ? `${url.replace(/^.*node_modules\//, "").replace(/^.*\/packages\//, "")}:${lineNumber + 1}`
    : "native";
  return `${functionName || "(anonymous)"} ${where}`;
}

/**
 * Self time per function and per area of a V8 CPU profile (`.cpuprofile`, as written by
 * `node --cpu-prof` or the inspector), as shares of the busy time (idle excluded).
 */
export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const p = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  // Stopping the profiler (profile-hook.ts) is sampled too; it is the bench's work, not the server's.
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const hook = new Set<number>();
  const mark = (id: number) => {
    hook.add(id);
    for (const c of byId.get(id)?.children ?? []) mark(c);
  };
  for (const n of p.nodes) if (n.callFrame.url.endsWith("profile-hook.ts") && !hook.has(n.id)) mark(n.id);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  const byFrame = new Map<string, number>();
  const byArea = new Map<string, number>();
  let busy = 0;
  for (const n of p.nodes) {
    const t = selfUs.get(n.id) ?? 0;
    if (!t || n.callFrame.functionName === "(idle)" || hook.has(n.id)) continue;
    busy += t;
    const f = frameName(n);
    byFrame.set(f, (byFrame.get(f) ?? 0) + t);
    const a = areaOf(n.callFrame.url, n.callFrame.functionName);
    byArea.set(a, (byArea.get(a) ?? 0) + t);
  }
  const pct = (t: number) => Math.round((1000 * t) / busy) / 10;
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    file: path.relative(process.cwd(), file),
    busyMs: Math.round(busy / 1000),
    byArea: sorted(byArea)
      .slice(0, 20)
      .map(([area, t]) => ({ area, percent: pct(t) })),
    topFrames: sorted(byFrame)
      .slice(0, top)
      .map(([frame, t]) => ({ frame, percent: pct(t) })),
  };
}
