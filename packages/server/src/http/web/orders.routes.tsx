/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config/config.ts";
import type { Services } from "../../services/index.ts";

/** Orders: the order form, the list and the detail, CSV export. */
export async function ordersRoutes(
  _app: FastifyInstance,
  _services: Services,
  _config: Config,
): Promise<void> {}
