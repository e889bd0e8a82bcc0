import path from "node:path";
import { Api, BENCH_PRODUCT, forEachConcurrently } from "./api.ts";
import { type SeedResult, seedLicenses } from "./seed.ts";
import { LicentraServer, ROOT } from "./server.ts";
import type { BenchContext } from "./types.ts";

/** Where --profile keeps the servers' CPU profiles. */
export const PROFILE_DIR = path.join(ROOT, "bench/results/profiles");

/** A device that holds an activation: what `POST /api/v1/validate` by license id needs. */
export interface Device {
  license: string;
  fingerprint: string;
  ticket: string;
}

export interface SeededServer {
  server: LicentraServer;
  /** The first ISV admin's API key. */
  apiKey: string;
  seed: SeedResult;
  devices: Device[];
  /** Seconds spent activating the devices through the API. */
  activationSeconds: number;
}

/**
 * A server on a fresh database holding `licenses` licenses of the bench product, of which
 * `devices` (spread over the table) are activated on one device each through the API.
 * First start creates the schema, admin, API key and signing key; the product is created through
 * the API; the server stops; the licenses are bulk-written into its SQLite file; it starts again.
 */
export async function startSeededServer(
  ctx: BenchContext,
  o: { licenses: number; devices: number },
): Promise<SeededServer> {
  const dataDir = LicentraServer.newDataDir();
  const first = await LicentraServer.start(dataDir);
  const apiKey = first.apiKey;
  if (!apiKey) throw new Error(`the server printed no API key on its first start:\n${first.server.output}`);
  await new Api(first.url, apiKey).post("/api/v1/products", BENCH_PRODUCT);
  await first.stop();

  ctx.log(`seeding ${o.licenses.toLocaleString("en")} licenses`);
  const seed = seedLicenses(dataDir, BENCH_PRODUCT.code, o.licenses, o.devices);
  ctx.log(`seeded in ${seed.seconds} s, ${seed.cpuSeconds} s of CPU (database ${seed.dbMb} MB)`);

  const server = await LicentraServer.start(dataDir, {
    profileDir: ctx.options.profile ? PROFILE_DIR : null,
  });
  const api = new Api(server.url, null);
  const devices: Device[] = seed.picked.map((p, i) => ({
    license: p.license,
    ticket: p.ticket,
    fingerprint: `bench-device-${String(i).padStart(6, "0")}`,
  }));
  const t0 = performance.now();
  await forEachConcurrently(devices, 8, async (d) => {
    await api.post("/api/v1/activations", {
      ticket: d.ticket,
      license: d.license,
      fingerprint: d.fingerprint,
      deviceName: "bench device",
    });
  });
  const activationSeconds = Math.round((performance.now() - t0) / 100) / 10;
  return { server, apiKey, seed, devices, activationSeconds };
}
