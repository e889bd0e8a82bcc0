import { startSeededServer } from "../lib/fixture.ts";
import { measureHttp } from "../lib/http-scenario.ts";
import type { Scenario } from "../lib/types.ts";

const TITLE = "order creation, one item";

/**
 * Order creation with one item through the REST API as an ERP would (`POST /api/v1/orders`, API
 * key of the ISV admin, no category): order, ticket, license and two audit events in one
 * transaction. The database starts with 1,000 licenses.
 */
export const ordersScenario: Scenario = {
  name: "orders",
  title: TITLE,
  async run(ctx) {
    const { server, apiKey } = await startSeededServer(ctx, { licenses: 1000, devices: 0 });
    try {
      return await measureHttp(ctx, {
        name: "orders",
        title: TITLE,
        server: server.server,
        request: {
          method: "POST",
          path: "/api/v1/orders",
          headers: { authorization: `Bearer ${apiKey}` },
          body: { items: [{ product: 4711, quantity: 1 }] },
        },
      });
    } finally {
      await server.destroy();
    }
  },
};
