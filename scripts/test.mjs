#!/usr/bin/env node
// `npm test`: lint, typecheck, then the whole suite (unit, integration, API; SQLite always,
// PostgreSQL when reachable — mandatory when LICENTRA_REQUIRE_POSTGRES=1, as in CI).
import { spawnSync } from "node:child_process";

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit", shell: false });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run("npx", ["biome", "check", "."]);
run("npx", ["tsc", "-p", "packages/client", "--noEmit"]);
run("npx", ["tsc", "-p", "packages/server", "--noEmit"]);
run("npx", ["vitest", "run", ...process.argv.slice(2)]);
