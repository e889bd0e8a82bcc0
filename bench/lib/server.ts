import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, sleep } from "./proc.ts";

/** The repository root (bench/lib/ is two levels below it). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PROFILE_HOOK = path.join(ROOT, "bench/lib/profile-hook.ts");

/** Every child still running, so an interrupted bench does not leave servers behind. */
const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    for (const c of children) c.kill("SIGKILL");
    process.exit(130);
  });

/** A server running as a child process of the bench. */
export class ChildServer {
  private stdout = "";
  private exited: Promise<number | null>;
  private profiles = 0;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    private readonly profileDir: string | null,
  ) {
    children.add(child);
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      this.stdout += chunk;
    });
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      this.stdout += chunk;
    });
    this.exited = new Promise((resolve) =>
      child.once("exit", (code) => {
        children.delete(child);
        resolve(code);
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Everything the child printed so far. */
  get output(): string {
    return this.stdout;
  }

  /**
   * Starts `node <args>` from the repository root and waits until `readyPath` answers 200.
   * With a profile folder, the child loads profile-hook.ts so `startProfile`/`stopProfile` work.
   */
  static async start(options: {
    args: string[];
    env: Record<string, string>;
    readyPath: string;
    profileDir?: string | null;
    timeoutMs?: number;
  }): Promise<ChildServer> {
    const port = await freePort();
    const profileDir = options.profileDir ?? null;
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    const flags = ["--import", "tsx", ...(profileDir ? ["--import", PROFILE_HOOK] : [])];
    const child = spawn(process.execPath, [...flags, ...options.args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: process.env.HOME ?? "/tmp",
        ...options.env,
        PORT: String(port),
        ...(profileDir ? { BENCH_PROFILE_DIR: profileDir } : {}),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const server = new ChildServer(child, `http://127.0.0.1:${port}`, profileDir);
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(
          `the server exited with code ${child.exitCode} before it was ready:\n${server.output}`,
        );
      try {
        const res = await fetch(`${server.url}${options.readyPath}`);
        if (res.ok) return server;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`the server did not answer ${options.readyPath} in time:\n${server.output}`);
      }
      await sleep(100);
    }
  }

  /** Starts the server's CPU profiler (profile-hook.ts). */
  startProfile(): void {
    if (!this.profileDir) return;
    this.child.kill("SIGUSR2");
  }

  /** Stops the profiler and moves the written profile to `<profileDir>/<name>.cpuprofile`. */
  async stopProfile(name: string): Promise<string | null> {
    if (!this.profileDir) return null;
    this.profiles++;
    const written = path.join(this.profileDir, `${this.pid}-${this.profiles}.cpuprofile`);
    this.child.kill("SIGUSR2");
    for (let i = 0; i < 300 && !existsSync(written); i++) await sleep(100);
    if (!existsSync(written)) throw new Error(`the server wrote no CPU profile at ${written}`);
    const target = path.join(this.profileDir, `${name}.cpuprofile`);
    renameSync(written, target);
    return target;
  }

  /** SIGTERM, then SIGKILL if the child has not exited within 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    const timeout = sleep(10_000).then(() => "timeout" as const);
    if ((await Promise.race([this.exited, timeout])) === "timeout") {
      this.child.kill("SIGKILL");
      await this.exited;
    }
  }
}

/** The master key of bench servers: fixed, so a bench database can be reopened. */
const MASTER_KEY = "be".repeat(32);

/** A Licentra server on its own data folder, started with `licentra serve`. */
export class LicentraServer {
  private constructor(
    readonly server: ChildServer,
    readonly dataDir: string,
    /** The first ISV admin's API key, printed on the first start only. */
    readonly apiKey: string | null,
  ) {}

  get url(): string {
    return this.server.url;
  }
  get pid(): number {
    return this.server.pid;
  }

  /** A fresh data folder under the system temp folder. */
  static newDataDir(): string {
    return mkdtempSync(path.join(tmpdir(), "licentra-bench-"));
  }

  static async start(dataDir: string, options: { profileDir?: string | null } = {}): Promise<LicentraServer> {
    const server = await ChildServer.start({
      args: ["packages/server/src/cli/main.ts", "serve"],
      env: {
        DATA_DIR: dataDir,
        LOG_LEVEL: "warn",
        LICENTRA_MASTER_KEY: MASTER_KEY,
        LICENTRA_ADMIN_EMAIL: "bench@licentra.test",
        LICENTRA_ADMIN_PASSWORD: "bench-password-not-secret",
        RATE_LIMIT_ACTIVATIONS: "1000000000",
        RATE_LIMIT_TICKETS: "1000000000",
        RATE_LIMIT_LOGINS: "1000000000",
      },
      readyPath: "/healthz",
      profileDir: options.profileDir ?? null,
    });
    const key = /API key:\s+(lic_[A-Za-z0-9_-]+)/.exec(server.output)?.[1] ?? null;
    return new LicentraServer(server, dataDir, key);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** Stops the server and deletes its data folder. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** The bare Fastify app with one JSON echo route (echo-server.ts), the baseline of every ratio. */
export function startEchoServer(profileDir: string | null = null): Promise<ChildServer> {
  return ChildServer.start({
    args: ["bench/lib/echo-server.ts"],
    env: {},
    readyPath: "/healthz",
    profileDir,
  });
}

/** Leftover profiles of a crashed run would be mistaken for new ones. */
export function clearProfiles(dir: string): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) if (f.endsWith(".cpuprofile")) rmSync(path.join(dir, f));
}
