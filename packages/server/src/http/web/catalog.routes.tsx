/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config/config.ts";
import type { Services } from "../../services/index.ts";

/** Catalog (ISV admins): products, categories and their configuration, data fields. */
export async function catalogRoutes(
  _app: FastifyInstance,
  _services: Services,
  _config: Config,
): Promise<void> {}
