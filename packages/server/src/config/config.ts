import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Cron } from "croner";

/** Server configuration, from environment variables and an optional JSON file (`LICENTRA_CONFIG`). */
export interface Config {
  /** `PORT`: TCP port to listen on. Default 8080. */
  port: number;
  /** `HOST`: address to bind. Default 127.0.0.1; use 0.0.0.0 to accept remote clients. */
  host: string;
  /** `DATA_DIR`: folder for the SQLite database, the generated master key and backups. Default ./data. */
  dataDir: string;
  /** `DATABASE_URL`: `postgres://…` selects PostgreSQL; empty means SQLite in `DATA_DIR/licentra.db`. */
  databaseUrl: string | null;
  /** `LICENTRA_MASTER_KEY`: 32 bytes (64 hex or base64) encrypting private signing keys at rest. */
  masterKey: string | null;
  /** `PUBLIC_URL`: how clients reach this server; the `iss` of license files. */
  publicUrl: string;
  /** `LOG_LEVEL`: fatal, error, warn, info, debug, trace or silent. Default info. */
  logLevel: string;
  /** `LICENTRA_ADMIN_EMAIL` / `LICENTRA_ADMIN_PASSWORD`: the first ISV admin, used on first start only. */
  adminEmail: string | null;
  adminPassword: string | null;
  /** `RATE_LIMIT_TICKETS`: ticket look-ups per minute per client address. Default 30. */
  rateLimitTickets: number;
  /** `RATE_LIMIT_ACTIVATIONS`: activation, validation and refresh calls per minute per address. Default 600. */
  rateLimitActivations: number;
  /** `RATE_LIMIT_LOGINS`: sign-in attempts (web form and API) per minute per client address, across nodes. Default 20. */
  rateLimitLogins: number;
  /** `LICENSE_FILE_VALIDITY`: default offline validity of license files (ISO duration) when a product sets none. Default P30D. */
  defaultFileValidity: string;
  /**
   * `SMTP_URL`: where subscription notices are sent, e.g. `smtp://user:pass@mail.example.com:587`
   * or `smtps://…:465`. Unset: notices are written to the log instead.
   */
  smtpUrl: string | null;
  /** `SMTP_FROM`: sender of notices. Default `Licentra <licentra@HOST of PUBLIC_URL>`. */
  smtpFrom: string;
  /** `SUBSCRIPTION_NOTICE_LEAD`: how long before a cancellation deadline the reminder goes out (ISO duration). Default P30D. */
  subscriptionNoticeLead: string;
  /**
   * `RENEWAL_SCHEDULE`: when `licentra serve` runs the renewal job, as a cron expression (five
   * fields, or six with seconds). Default every minute (`* * * * *`); `off` disables it.
   */
  renewalSchedule: string | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Licentra cannot start; fix the configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname || "localhost";
  } catch {
    return "localhost";
  }
}

function isCron(expression: string): boolean {
  try {
    new Cron(expression, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/**
 * Reads and validates the configuration. Environment variables win over the file. Every problem
 * is reported at once, each with how to fix it.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  cwd = env.INIT_CWD ?? process.cwd(),
): Config {
  const problems: string[] = [];
  let file: Record<string, unknown> = {};
  if (env.LICENTRA_CONFIG) {
    const p = path.resolve(cwd, env.LICENTRA_CONFIG);
    if (!existsSync(p))
      problems.push(`LICENTRA_CONFIG points to ${p}, which does not exist; create it or unset the variable`);
    else {
      try {
        const parsed: unknown = JSON.parse(readFileSync(p, "utf8"));
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
          problems.push(`LICENTRA_CONFIG file ${p} must be an object such as {"PORT": 8080}`);
        else file = parsed as Record<string, unknown>;
      } catch (e) {
        problems.push(
          `LICENTRA_CONFIG file ${p} is not valid JSON (${(e as Error).message}); it must be an object such as {"PORT": 8080}`,
        );
      }
    }
  }
  const get = (name: string): string | undefined => {
    const v = env[name] ?? (file[name] === undefined ? undefined : String(file[name]));
    return v === "" ? undefined : v;
  };
  const int = (name: string, dflt: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return dflt;
    const n = /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}=${raw} is not valid; set it to a whole number from ${min} to ${max}`);
      return dflt;
    }
    return n;
  };

  const port = int("PORT", 8080, 0, 65535);
  const host = get("HOST") ?? "127.0.0.1";
  const dataDir = path.resolve(cwd, get("DATA_DIR") ?? "data");
  const databaseUrl = get("DATABASE_URL") ?? null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    problems.push(
      `DATABASE_URL must start with postgres:// (e.g. postgres://user@127.0.0.1:5432/licentra), or be unset to use SQLite in DATA_DIR`,
    );
  const masterKey = get("LICENTRA_MASTER_KEY") ?? null;
  if (
    masterKey !== null &&
    !/^[0-9a-fA-F]{64}$/.test(masterKey.trim()) &&
    Buffer.from(masterKey, "base64").length !== 32
  )
    problems.push(
      "LICENTRA_MASTER_KEY must be 32 random bytes as 64 hex characters (generate one with: openssl rand -hex 32)",
    );
  const publicUrl = (
    get("PUBLIC_URL") ?? `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`
  ).replace(/\/$/, "");
  if (!/^https?:\/\/[^\s]+$/.test(publicUrl))
    problems.push(`PUBLIC_URL=${publicUrl} must be an http(s) URL such as https://licenses.example.com`);
  const logLevel = get("LOG_LEVEL") ?? "info";
  if (!LEVELS.includes(logLevel))
    problems.push(`LOG_LEVEL=${logLevel} is not a level; use one of ${LEVELS.join(", ")}`);
  const adminEmail = get("LICENTRA_ADMIN_EMAIL") ?? null;
  if (adminEmail !== null && !/^[^@\s]+@[^@\s]+$/.test(adminEmail))
    problems.push(`LICENTRA_ADMIN_EMAIL=${adminEmail} is not an email address`);
  const adminPassword = get("LICENTRA_ADMIN_PASSWORD") ?? null;
  if (adminPassword !== null && adminPassword.length < 10)
    problems.push("LICENTRA_ADMIN_PASSWORD must be at least 10 characters long");
  const defaultFileValidity = get("LICENSE_FILE_VALIDITY") ?? "P30D";
  if (!/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/.test(defaultFileValidity))
    problems.push(
      `LICENSE_FILE_VALIDITY=${defaultFileValidity} must be an ISO-8601 duration such as P30D or P1Y`,
    );

  const smtpUrl = get("SMTP_URL") ?? null;
  if (smtpUrl !== null && !/^smtps?:\/\/[^\s]+$/.test(smtpUrl))
    problems.push(
      "SMTP_URL must be an smtp:// or smtps:// URL such as smtp://user:password@mail.example.com:587, or be unset to log notices",
    );
  const smtpFrom = get("SMTP_FROM") ?? `Licentra <licentra@${hostOf(publicUrl)}>`;
  const subscriptionNoticeLead = get("SUBSCRIPTION_NOTICE_LEAD") ?? "P30D";
  if (!/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/.test(subscriptionNoticeLead))
    problems.push(
      `SUBSCRIPTION_NOTICE_LEAD=${subscriptionNoticeLead} must be an ISO-8601 duration such as P30D or P2W`,
    );
  const schedule = get("RENEWAL_SCHEDULE") ?? "* * * * *";
  const renewalSchedule = schedule === "off" ? null : schedule;
  if (renewalSchedule !== null && !isCron(renewalSchedule))
    problems.push(
      `RENEWAL_SCHEDULE=${schedule} is not a cron expression; use five fields such as "*/5 * * * *" (every five minutes), six with seconds, or "off"`,
    );

  const config: Config = {
    port,
    host,
    dataDir,
    databaseUrl,
    masterKey,
    publicUrl,
    logLevel,
    adminEmail,
    adminPassword,
    rateLimitTickets: int("RATE_LIMIT_TICKETS", 30, 1, 1_000_000_000),
    rateLimitActivations: int("RATE_LIMIT_ACTIVATIONS", 600, 1, 1_000_000_000),
    rateLimitLogins: int("RATE_LIMIT_LOGINS", 20, 1, 1_000_000_000),
    defaultFileValidity,
    smtpUrl,
    smtpFrom,
    subscriptionNoticeLead,
    renewalSchedule,
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}
