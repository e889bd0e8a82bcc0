import { Api } from "../lib/api.ts";
import { startSeededServer } from "../lib/fixture.ts";
import { measureHttp } from "../lib/http-scenario.ts";
import type { Scenario } from "../lib/types.ts";

/** Activated devices validated at random: the working set of a busy vendor's installed base. */
const DEVICES = 1000;

/**
 * Online validation by license id and fingerprint (`POST /api/v1/validate`), each request a random
 * one of 1,000 activated devices, against a database holding `licenses` licenses.
 */
export function validateScenario(o: { name: string; title: string; licenses: number }): Scenario {
  return {
    name: o.name,
    title: o.title,
    async run(ctx) {
      const { server, seed, devices, activationSeconds } = await startSeededServer(ctx, {
        licenses: o.licenses,
        devices: DEVICES,
      });
      try {
        const first = devices[0]!;
        const answer = await new Api(server.url, null).post<{ code: string }>("/api/v1/validate", {
          license: first.license,
          fingerprint: first.fingerprint,
        });
        if (answer.code !== "VALID") throw new Error(`validation answered ${JSON.stringify(answer)}`);
        return await measureHttp(ctx, {
          name: o.name,
          title: o.title,
          server: server.server,
          request: {
            method: "POST",
            path: "/api/v1/validate",
            body: () => {
              const d = devices[Math.floor(Math.random() * devices.length)]!;
              return { license: d.license, fingerprint: d.fingerprint };
            },
          },
          details: {
            licenses: seed.licenses,
            activatedDevices: devices.length,
            seedSeconds: seed.seconds,
            seedCpuSeconds: seed.cpuSeconds,
            databaseMb: seed.dbMb,
            activationSetupSeconds: activationSeconds,
          },
        });
      } finally {
        await server.destroy();
      }
    },
  };
}
