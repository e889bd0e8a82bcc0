import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TEST_MASTER_KEY, type TestDatabase } from "./harness.ts";

/** The repository root: the working directory of every `licentra` child process. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
/** The `licentra` command as operators run it. */
export const LICENTRA_BIN = path.join(REPO_ROOT, "packages/server/bin/licentra.mjs");

/**
 * Environment for a `licentra` child process on a test database: a clean environment (nothing
 * from the test runner leaks in, such as INIT_CWD or a DATABASE_URL), plus `extra`. A value of
 * `undefined` in `extra` removes a variable, e.g. `{ LICENTRA_MASTER_KEY: undefined }`.
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

const children = new Set<ChildProcess>();
// A test run that dies must not leave servers behind.
process.once("exit", () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

function spawnLicentra(args: string[], env: Record<string, string>): ChildProcess {
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
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<CliResult> {
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
 * with the process's output when it exits first or is not up within `timeoutMs`.
 */
export async function startServerProcess(
  env: Record<string, string>,
  { port, timeoutMs = 30_000 }: { port?: number; timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const p = port ?? (await freePorts(1))[0]!;
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
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
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
