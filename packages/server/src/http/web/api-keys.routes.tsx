/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config/config.ts";
import type { Services } from "../../services/index.ts";

/** The signed-in user's API keys. */
export async function apiKeysRoutes(
  _app: FastifyInstance,
  _services: Services,
  _config: Config,
): Promise<void> {}
