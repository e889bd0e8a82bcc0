import type { Config } from "../../config/config.ts";
import type { Services } from "../../services/index.ts";
import type { App } from "../app.ts";
import { errors, IdempotencyHeader, Page } from "./common.schema.ts";
import { IdParams, Order, OrderCreate, OrderListQuery } from "./orders.schema.ts";

const tags = ["orders"];
const security = [{ apiKey: [] }];
const OrderRef = { $ref: "Order#" };

export async function orderRoutes(app: App, services: Services, _config: Config): Promise<void> {
  app.post(
    "/api/v1/orders",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Create an order",
        description:
          "Creates the order, its ticket and one license per quantity of every item, in one transaction. " +
          "Parameter values are checked against the product. With an `externalOrderNumber` that exists, the same request returns the existing order (200) and a different one is a 409.",
        headers: IdempotencyHeader,
        body: OrderCreate,
        response: { 201: OrderRef, 200: OrderRef, ...errors(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const { order, created } = await services.orders.create(request.ctx, request.body);
      return reply.status(created ? 201 : 200).send(order);
    },
  );

  app.get(
    "/api/v1/orders",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "List orders",
        description: "Only orders the caller may see. Cursor pagination: pass `nextCursor` as `cursor`.",
        querystring: OrderListQuery,
        response: { 200: Page(Order), ...errors(400, 401) },
      },
    },
    async (request) => services.orders.list(request.ctx, request.query),
  );

  app.get(
    "/api/v1/orders/:id",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Read an order with its licenses",
        params: IdParams,
        response: { 200: OrderRef, ...errors(401, 404) },
      },
    },
    async (request) => services.orders.get(request.ctx, request.params.id),
  );
}
