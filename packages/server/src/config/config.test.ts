import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

const CWD = "/srv/licentra";
const HEX_KEY = "ab".repeat(32);

const folder = mkdtempSync(path.join(tmpdir(), "licentra-config-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Writes a config file in a temp folder; returns its absolute path. */
function configFile(name: string, content: string): string {
  const file = path.join(folder, name);
  writeFileSync(file, content);
  return file;
}

/** The problems loadConfig reports for `env`, or fails when it reports none. */
function problemsOf(env: NodeJS.ProcessEnv, cwd = CWD): string[] {
  try {
    loadConfig(env, cwd);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error("loadConfig accepted the configuration");
}

describe("loadConfig", () => {
  describe("defaults", () => {
    it("runs on SQLite in ./data on 127.0.0.1:8080 when nothing is configured", () => {
      expect(loadConfig({}, CWD)).toEqual({
        port: 8080,
        host: "127.0.0.1",
        dataDir: "/srv/licentra/data",
        databaseUrl: null,
        masterKey: null,
        publicUrl: "http://127.0.0.1:8080",
        logLevel: "info",
        adminEmail: null,
        adminPassword: null,
        rateLimitTickets: 30,
        rateLimitActivations: 600,
        rateLimitLogins: 20,
        defaultFileValidity: "P30D",
        smtpUrl: null,
        smtpFrom: "Licentra <licentra@127.0.0.1>",
        subscriptionNoticeLead: "P30D",
        renewalSchedule: "* * * * *",
      });
    });

    it("sends notices from the host of PUBLIC_URL unless SMTP_FROM says otherwise", () => {
      expect(loadConfig({ PUBLIC_URL: "https://licenses.example.com" }, CWD).smtpFrom).toBe(
        "Licentra <licentra@licenses.example.com>",
      );
      expect(loadConfig({ SMTP_FROM: "Sales <sales@example.com>" }, CWD).smtpFrom).toBe(
        "Sales <sales@example.com>",
      );
    });

    it("treats empty variables as unset", () => {
      expect(loadConfig({ PORT: "", DATABASE_URL: "", LOG_LEVEL: "", LICENTRA_MASTER_KEY: "" }, CWD)).toEqual(
        loadConfig({}, CWD),
      );
    });

    it("resolves DATA_DIR against the folder npm was started in (INIT_CWD), else the working directory", () => {
      expect(loadConfig({ DATA_DIR: "state" }, CWD).dataDir).toBe("/srv/licentra/state");
      expect(loadConfig({ DATA_DIR: "/var/lib/licentra" }, CWD).dataDir).toBe("/var/lib/licentra");
      expect(loadConfig({ DATA_DIR: "state", INIT_CWD: "/home/ops" }).dataDir).toBe("/home/ops/state");
    });

    it("derives the public URL from HOST and PORT, naming a reachable address for 0.0.0.0", () => {
      expect(loadConfig({ PORT: "9000" }, CWD).publicUrl).toBe("http://127.0.0.1:9000");
      expect(loadConfig({ HOST: "0.0.0.0", PORT: "9000" }, CWD).publicUrl).toBe("http://127.0.0.1:9000");
      expect(loadConfig({ PUBLIC_URL: "https://licenses.example.com/" }, CWD).publicUrl).toBe(
        "https://licenses.example.com",
      );
    });
  });

  describe("accepted values", () => {
    it("takes PostgreSQL URLs in both spellings", () => {
      for (const url of ["postgres://u@db:5432/licentra", "postgresql://u:p@db/licentra"])
        expect(loadConfig({ DATABASE_URL: url }, CWD).databaseUrl).toBe(url);
    });

    it("takes the master key as 64 hex characters or as base64 of 32 bytes", () => {
      const base64 = Buffer.alloc(32, 7).toString("base64");
      expect(loadConfig({ LICENTRA_MASTER_KEY: HEX_KEY }, CWD).masterKey).toBe(HEX_KEY);
      expect(loadConfig({ LICENTRA_MASTER_KEY: base64 }, CWD).masterKey).toBe(base64);
    });

    it("takes an SMTP server, the notice lead time and a renewal schedule, or `off` to disable renewals", () => {
      const c = loadConfig(
        {
          SMTP_URL: "smtps://user:secret@mail.example.com:465",
          SUBSCRIPTION_NOTICE_LEAD: "P2W",
          RENEWAL_SCHEDULE: "*/5 * * * *",
        },
        CWD,
      );
      expect(c).toMatchObject({
        smtpUrl: "smtps://user:secret@mail.example.com:465",
        subscriptionNoticeLead: "P2W",
        renewalSchedule: "*/5 * * * *",
      });
      expect(loadConfig({ RENEWAL_SCHEDULE: "off" }, CWD).renewalSchedule).toBeNull();
    });

    it("takes the first ISV admin, rate limits and the default file validity", () => {
      const c = loadConfig(
        {
          LICENTRA_ADMIN_EMAIL: "owner@vendor.example",
          LICENTRA_ADMIN_PASSWORD: "ten chars!",
          RATE_LIMIT_TICKETS: "5",
          RATE_LIMIT_ACTIVATIONS: "100000",
          LICENSE_FILE_VALIDITY: "P1Y",
          LOG_LEVEL: "silent",
        },
        CWD,
      );
      expect(c).toMatchObject({
        adminEmail: "owner@vendor.example",
        adminPassword: "ten chars!",
        rateLimitTickets: 5,
        rateLimitActivations: 100000,
        rateLimitLogins: 20,
        defaultFileValidity: "P1Y",
        logLevel: "silent",
      });
    });
  });

  describe("configuration file (LICENTRA_CONFIG)", () => {
    it("reads a JSON object of variables, numbers included", () => {
      const file = configFile(
        "full.json",
        JSON.stringify({ PORT: 9100, HOST: "0.0.0.0", DATA_DIR: "/var/lib/licentra", LOG_LEVEL: "warn" }),
      );
      expect(loadConfig({ LICENTRA_CONFIG: file }, CWD)).toMatchObject({
        port: 9100,
        host: "0.0.0.0",
        dataDir: "/var/lib/licentra",
        logLevel: "warn",
        publicUrl: "http://127.0.0.1:9100",
      });
    });

    it("finds a relative path from the working directory", () => {
      configFile("relative.json", JSON.stringify({ PORT: 9200 }));
      expect(loadConfig({ LICENTRA_CONFIG: "relative.json" }, folder).port).toBe(9200);
    });

    it("lets environment variables win over the file", () => {
      const file = configFile("overridden.json", JSON.stringify({ PORT: 9100, LOG_LEVEL: "warn" }));
      const c = loadConfig({ LICENTRA_CONFIG: file, PORT: "9300" }, CWD);
      expect(c.port).toBe(9300);
      expect(c.logLevel).toBe("warn");
    });

    it("reports a file that does not exist", () => {
      const missing = path.join(folder, "missing.json");
      expect(problemsOf({ LICENTRA_CONFIG: missing })).toEqual([
        `LICENTRA_CONFIG points to ${missing}, which does not exist; create it or unset the variable`,
      ]);
    });

    it("reports a file that is not JSON, with an example of what it must hold", () => {
      const file = configFile("broken.json", "PORT=8080");
      const [problem] = problemsOf({ LICENTRA_CONFIG: file });
      expect(problem).toContain(`LICENTRA_CONFIG file ${file} is not valid JSON`);
      expect(problem).toContain('it must be an object such as {"PORT": 8080}');
    });

    it("reports a JSON file that is not an object instead of ignoring or crashing on it", () => {
      for (const content of ["null", "[8080]", "8080"]) {
        const file = configFile("not-an-object.json", content);
        expect(problemsOf({ LICENTRA_CONFIG: file }).join("\n")).toMatch(/must be an object/);
      }
    });

    it("reports invalid values from the file like those from the environment", () => {
      const file = configFile("bad-values.json", JSON.stringify({ PORT: "eighty", LOG_LEVEL: "loud" }));
      expect(problemsOf({ LICENTRA_CONFIG: file })).toEqual([
        "PORT=eighty is not valid; set it to a whole number from 0 to 65535",
        "LOG_LEVEL=loud is not a level; use one of fatal, error, warn, info, debug, trace, silent",
      ]);
    });
  });

  describe("problems", () => {
    it("reports every problem at once, each saying how to fix it", () => {
      const env = {
        PORT: "abc",
        DATABASE_URL: "mysql://x",
        LICENTRA_MASTER_KEY: "short",
        PUBLIC_URL: "licenses.example.com",
        LOG_LEVEL: "verbose",
        LICENTRA_ADMIN_EMAIL: "owner",
        LICENTRA_ADMIN_PASSWORD: "short",
        LICENSE_FILE_VALIDITY: "30 days",
        RATE_LIMIT_TICKETS: "0",
        RATE_LIMIT_ACTIVATIONS: "1.5",
        SMTP_URL: "mail.example.com",
        SUBSCRIPTION_NOTICE_LEAD: "a month",
        RENEWAL_SCHEDULE: "hourly",
      };
      let error: unknown;
      try {
        loadConfig(env, CWD);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const { problems, message } = error as ConfigError;
      const expected = [
        "PORT=abc is not valid; set it to a whole number from 0 to 65535",
        "DATABASE_URL must start with postgres:// (e.g. postgres://user@127.0.0.1:5432/licentra), or be unset to use SQLite in DATA_DIR",
        "LICENTRA_MASTER_KEY must be 32 random bytes as 64 hex characters (generate one with: openssl rand -hex 32)",
        "PUBLIC_URL=licenses.example.com must be an http(s) URL such as https://licenses.example.com",
        "LOG_LEVEL=verbose is not a level; use one of fatal, error, warn, info, debug, trace, silent",
        "LICENTRA_ADMIN_EMAIL=owner is not an email address",
        "LICENTRA_ADMIN_PASSWORD must be at least 10 characters long",
        "LICENSE_FILE_VALIDITY=30 days must be an ISO-8601 duration such as P30D or P1Y",
        "RATE_LIMIT_TICKETS=0 is not valid; set it to a whole number from 1 to 1000000000",
        "RATE_LIMIT_ACTIVATIONS=1.5 is not valid; set it to a whole number from 1 to 1000000000",
        "SMTP_URL must be an smtp:// or smtps:// URL such as smtp://user:password@mail.example.com:587, or be unset to log notices",
        "SUBSCRIPTION_NOTICE_LEAD=a month must be an ISO-8601 duration such as P30D or P2W",
        'RENEWAL_SCHEDULE=hourly is not a cron expression; use five fields such as "*/5 * * * *" (every five minutes), six with seconds, or "off"',
      ];
      expect([...problems].sort()).toEqual([...expected].sort());
      expect(message).toBe(
        `Licentra cannot start; fix the configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      );
    });

    it("rejects ports outside 0..65535 and fractions", () => {
      for (const port of ["-1", "65536", "80.5", "eighty"])
        expect(problemsOf({ PORT: port })).toEqual([
          `PORT=${port} is not valid; set it to a whole number from 0 to 65535`,
        ]);
    });

    it("rejects a master key of the wrong length, in hex or base64", () => {
      for (const key of ["ab".repeat(31), "ab".repeat(33), Buffer.alloc(16).toString("base64")])
        expect(problemsOf({ LICENTRA_MASTER_KEY: key })).toHaveLength(1);
    });

    it("rejects durations that are not ISO-8601 date durations", () => {
      for (const d of ["P", "30D", "PT1H", "P1.5Y"])
        expect(problemsOf({ LICENSE_FILE_VALIDITY: d })).toEqual([
          `LICENSE_FILE_VALIDITY=${d} must be an ISO-8601 duration such as P30D or P1Y`,
        ]);
    });
  });
});
