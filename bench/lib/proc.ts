import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** Clock ticks per second of /proc/<pid>/stat and /proc/stat (USER_HZ; 100 on Linux). */
const HZ = 100;

/** Resident set size of a process in MB, from /proc/<pid>/status (VmRSS); null when it is gone. */
export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat; 0 when it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces; fields after it are space-separated.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / HZ;
  } catch {
    return 0;
  }
}

/** CPU seconds the whole machine has spent busy (not idle or waiting for I/O), from /proc/stat. */
export function machineBusyCpuSeconds(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / HZ;
}

export interface CpuSnapshot {
  at: number;
  machine: number;
  server: number;
  bench: number;
}

export function cpuSnapshot(serverPid: number | null): CpuSnapshot {
  const u = process.cpuUsage();
  return {
    at: performance.now(),
    machine: machineBusyCpuSeconds(),
    server: serverPid === null ? 0 : processCpuSeconds(serverPid),
    bench: (u.user + u.system) / 1e6,
  };
}

/** Average cores in use between two snapshots: by the server, by this bench process, by everything else. */
export interface CpuUse {
  server: number;
  bench: number;
  other: number;
}

export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot): CpuUse {
  const s = (b.at - a.at) / 1000;
  const server = (b.server - a.server) / s;
  const bench = (b.bench - a.bench) / s;
  const machine = (b.machine - a.machine) / s;
  const round = (n: number) => Math.round(n * 100) / 100;
  return { server: round(server), bench: round(bench), other: round(Math.max(0, machine - server - bench)) };
}

/** Samples a process's RSS at a fixed interval until stopped. */
export function sampleRss(pid: number, everyMs = 100): () => { maxMb: number; avgMb: number } {
  const samples: number[] = [];
  const take = () => {
    const v = rssMb(pid);
    if (v !== null) samples.push(v);
  };
  take();
  const timer = setInterval(take, everyMs);
  return () => {
    clearInterval(timer);
    take();
    const max = Math.max(...samples);
    const avg = samples.reduce((a, b) => a + b, 0) / samples.length;
    return { maxMb: Math.round(max * 10) / 10, avgMb: Math.round(avg * 10) / 10 };
  };
}

/** A TCP port on 127.0.0.1 that is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Waits until the rest of the machine uses at most `maxOtherCores` (measured over one second),
 * or `maxWaitS` seconds have passed. Returns the cores others used in the last second.
 */
export async function waitForQuiet(maxOtherCores: number, maxWaitS: number): Promise<number> {
  const deadline = Date.now() + maxWaitS * 1000;
  for (;;) {
    const a = cpuSnapshot(null);
    await sleep(1000);
    const other = cpuBetween(a, cpuSnapshot(null)).other;
    if (other <= maxOtherCores || Date.now() >= deadline) return other;
  }
}
