import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";
import { TEST_MASTER_KEY, type TestDatabase } from "./harness.ts";

/** The repository root: the working directory of every `licentra` child process. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
/** The `licentra` command as operators run it. */
export const LICENTRA_BIN = path.join(REPO_ROOT, "packages/server/bin/licentra.mjs");

/**
 * Environment for a `licentra` child process on a test database: a clean environment (nothing
 * from the test runner leaks in, such as INIT_CWD or a DATABASE_URL), plus `extra`. A value of
 * `undefined` in `extra` removes a variable, e.g. `{ LICENTRA_MASTER_KEY: undefined }`. The
 * renewal job is off unless `extra` turns it on, so no minute tick writes behind a test's back.
 */
export function licentraEnv(
  db: Pick<TestDatabase, "dataDir" | "databaseUrl">,
  extra: Record<string, string | undefined> = {},
): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    DATA_DIR: db.dataDir,
    DATABASE_URL: db.databaseUrl ?? undefined,
    LICENTRA_MASTER_KEY: TEST_MASTER_KEY,
    LOG_LEVEL: "warn",
    RATE_LIMIT_ACTIVATIONS: "1000000",
    RATE_LIMIT_TICKETS: "1000000",
    RATE_LIMIT_LOGINS: "1000000",
    RENEWAL_SCHEDULE: "off",
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** `n` distinct TCP ports that were free a moment ago (all held open together, so no two are alike). */
export async function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < n; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", resolve);
      });
      const address = server.address();
      if (!address || typeof address === "string") throw new Error("no port assigned");
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/**
 * Starting a `licentra` process costs about two seconds of CPU (tsx compiles the sources), so
 * tests that run side by side take turns: at most one starting process per core.
 */
class Gate {
  private free = Math.max(1, availableParallelism());
  private readonly waiting: (() => void)[] = [];

  async enter(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}
const starting = new Gate();

const children = new Set<ChildProcess>();
let fileDone = false;

/** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
function terminate(child: ChildProcess, graceMs = 10_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill("SIGTERM");
  });
}

// Whatever a test leaves running (it timed out while a server was starting, or failed before
// its own clean-up) stops when its file is done: vitest may end the worker by a signal, which
// skips "exit" handlers, and an orphaned server would run on.
afterAll(async () => {
  fileDone = true;
  await Promise.all([...children].map((c) => terminate(c, 2000)));
});
process.once("exit", () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

function spawnLicentra(args: string[], env: Record<string, string>): ChildProcess {
  if (fileDone) throw new Error(`licentra ${args.join(" ")}: the test file has finished`);
  const child = spawn(process.execPath, [LICENTRA_BIN, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** What a finished `licentra` command printed and how it exited. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `licentra <args>` to completion. */
export async function runCli(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<CliResult> {
  const leave = await starting.enter();
  try {
    return await run(args, env, timeoutMs);
  } finally {
    leave();
  }
}

function run(args: string[], env: Record<string, string>, timeoutMs: number): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnLicentra(args, env);
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`licentra ${args.join(" ")} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A `licentra serve` child process answering on 127.0.0.1. */
export interface ServerProcess {
  url: string;
  port: number;
  pid: number;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** The API key printed on first start, when this process initialized the database. */
  printedApiKey(): string | null;
  /** SIGTERM, then SIGKILL after 10 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** The API key `describeSetup` prints on first start. */
export function apiKeyIn(text: string): string | null {
  return /API key:\s+(lic_[A-Za-z0-9_-]+)/.exec(text)?.[1] ?? null;
}

/**
 * Spawns `licentra serve` with `env` on a free port and waits until `/healthz` answers. Rejects
 * with the process's output when it exits first or is not up within `timeoutMs`. Starts take
 * turns with other processes of this test file unless `simultaneous` is set.
 */
export async function startServerProcess(
  env: Record<string, string>,
  {
    port,
    timeoutMs = 120_000,
    simultaneous = false,
  }: { port?: number; timeoutMs?: number; simultaneous?: boolean } = {},
): Promise<ServerProcess> {
  const leave = simultaneous ? () => {} : await starting.enter();
  try {
    return await startServer(env, port ?? (await freePorts(1))[0]!, timeoutMs);
  } finally {
    leave();
  }
}

async function startServer(
  env: Record<string, string>,
  p: number,
  timeoutMs: number,
): Promise<ServerProcess> {
  const child = spawnLicentra(["serve"], { ...env, PORT: String(p), HOST: "127.0.0.1" });
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
  const url = `http://127.0.0.1:${p}`;
  const server: ServerProcess = {
    url,
    port: p,
    pid: child.pid!,
    output: () => out,
    printedApiKey: () => apiKeyIn(out),
    stop: () => terminate(child),
  };
  const deadline = Date.now() + timeoutMs;
  let done = false;
  exited.then(() => {
    done = true;
  });
  while (!done) {
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return server;
    } catch {}
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`licentra serve was not up on ${url} after ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`licentra serve exited with code ${await exited} before answering:\n${out}`);
}
