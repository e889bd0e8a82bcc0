import autocannon from "autocannon";
import { type CpuUse, cpuBetween, cpuSnapshot, sampleRss } from "./proc.ts";
import type { ChildServer } from "./server.ts";

/** One request autocannon sends; `body` is called for every request so bodies can vary. */
export interface LoadRequest {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  /** A fixed body, or a function returning the next body. */
  body?: unknown | (() => unknown);
}

/** What one measured load run gave. Latencies in ms, sizes in MB, CPU in cores. */
export interface LoadResult {
  connections: number;
  durationS: number;
  /** Requests answered with 2xx. */
  ok: number;
  /** 2xx answers per second: the throughput figure. */
  okPerSecond: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Server process RSS sampled every 100 ms during the measurement. */
  serverRss: { maxMb: number; avgMb: number };
  /** Average cores used during the measurement: server, this bench process (autocannon), everything else. */
  cpu: CpuUse;
  /** Server CPU time per answered request, µs: less sensitive to other load on the machine than throughput. */
  serverCpuUsPerRequest: number;
}

export interface LoadOptions {
  server: ChildServer;
  request: LoadRequest;
  connections: number;
  duration: number;
  warmup: number;
  /** Name of the CPU profile to keep when the server was started with a profile folder. */
  profileName?: string;
}

function cannon(url: string, request: LoadRequest, connections: number, duration: number) {
  const { body } = request;
  const headers = {
    ...(body !== undefined ? { "content-type": "application/json" } : {}),
    ...request.headers,
  };
  const setupRequest =
    typeof body === "function"
      ? (req: autocannon.Request) => ({ ...req, body: JSON.stringify((body as () => unknown)()) })
      : undefined;
  return autocannon({
    url,
    connections,
    duration,
    requests: [
      {
        method: request.method,
        path: request.path,
        headers,
        ...(body !== undefined && typeof body !== "function" ? { body: JSON.stringify(body) } : {}),
        ...(setupRequest ? { setupRequest } : {}),
      },
    ],
  });
}

/** Warms the server up, then measures it under load, sampling its RSS and the machine's CPU. */
export async function runLoad(o: LoadOptions): Promise<LoadResult & { profile: string | null }> {
  if (o.warmup > 0) await cannon(o.server.url, o.request, o.connections, o.warmup);
  o.server.startProfile();
  const stopRss = sampleRss(o.server.pid);
  const before = cpuSnapshot(o.server.pid);
  const r = await cannon(o.server.url, o.request, o.connections, o.duration);
  const after = cpuSnapshot(o.server.pid);
  const serverRss = stopRss();
  const profile = await o.server.stopProfile(o.profileName ?? "load");
  const ok = r["2xx"];
  const cpu = cpuBetween(before, after);
  const statusCodes = Object.fromEntries(
    Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0]),
  );
  return {
    connections: o.connections,
    durationS: r.duration,
    ok,
    okPerSecond: Math.round(ok / r.duration),
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
    latency: {
      p50: r.latency.p50,
      p90: r.latency.p90,
      p99: r.latency.p99,
      max: r.latency.max,
      mean: Math.round(r.latency.mean * 100) / 100,
    },
    serverRss,
    cpu,
    serverCpuUsPerRequest:
      r["2xx"] + r.non2xx ? Math.round((cpu.server * r.duration * 1e6) / (r["2xx"] + r.non2xx)) : 0,
    profile,
  };
}
