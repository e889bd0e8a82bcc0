import { randomBytes } from "node:crypto";
import { Api, forEachConcurrently, type OrderAnswer } from "../lib/api.ts";
import { startSeededServer } from "../lib/fixture.ts";
import { measureHttp } from "../lib/http-scenario.ts";
import type { Scenario } from "../lib/types.ts";

/** Orders whose licenses take the load; each has a million seats, far more than a run activates. */
const TARGET_LICENSES = 100;
const SEATS = 1_000_000;

const TITLE = "activation of a new device";

/**
 * Activation of a new device (`POST /api/v1/activations`): seat taken, activation written, license
 * file signed, audit event appended, in one transaction. Every request names one of 100 licenses
 * at random and a fingerprint never seen before. The database holds 1,000 other licenses.
 */
export const activateScenario: Scenario = {
  name: "activate",
  title: TITLE,
  async run(ctx) {
    const { server, apiKey } = await startSeededServer(ctx, { licenses: 1000, devices: 0 });
    try {
      const api = new Api(server.url, apiKey);
      const targets: { ticket: string; license: string }[] = [];
      await forEachConcurrently(Array.from({ length: TARGET_LICENSES }), 8, async () => {
        const order = await api.post<OrderAnswer>("/api/v1/orders", {
          items: [{ product: 4711, quantity: 1, parameters: { seats: SEATS } }],
        });
        targets.push({ ticket: order.ticket, license: order.licenses[0]!.id });
      });
      const run = randomBytes(4).toString("hex");
      let n = 0;
      return await measureHttp(ctx, {
        name: "activate",
        title: TITLE,
        server: server.server,
        request: {
          method: "POST",
          path: "/api/v1/activations",
          body: () => {
            const t = targets[Math.floor(Math.random() * targets.length)]!;
            n++;
            return {
              ticket: t.ticket,
              license: t.license,
              fingerprint: `bench-${run}-${n.toString(16).padStart(8, "0")}`,
              deviceName: `bench device ${n}`,
            };
          },
        },
        details: { licenses: TARGET_LICENSES, seatsEach: SEATS, otherLicenses: 1000 },
      });
    } finally {
      await server.destroy();
    }
  },
};
