/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config/config.ts";
import type { Services } from "../../services/index.ts";

/** Licenses: list, detail, modify, revoke, delete, subscription cancel and withdraw. */
export async function licensesRoutes(
  _app: FastifyInstance,
  _services: Services,
  _config: Config,
): Promise<void> {}
