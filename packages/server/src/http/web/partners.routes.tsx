/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config/config.ts";
import type { Services } from "../../services/index.ts";

/** Partners: the group tree, users, grants. */
export async function partnersRoutes(
  _app: FastifyInstance,
  _services: Services,
  _config: Config,
): Promise<void> {}
