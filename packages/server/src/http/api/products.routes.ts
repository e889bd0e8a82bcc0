import type { Services } from "../../services/index.ts";
import type { App } from "../app.ts";
import { errors, Page } from "./common.schema.ts";
import {
  Product,
  ProductCodeParams,
  ProductCreate,
  ProductListQuery,
  ProductUpdate,
} from "./products.schema.ts";

const tags = ["products"];
const security = [{ apiKey: [] }];
const ProductRef = { $ref: "Product#" };

export async function productRoutes(app: App, services: Services): Promise<void> {
  app.post(
    "/api/v1/products",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Create a product",
        description:
          "ISV admins only. Parameter definitions are checked for consistency (types, bounds, defaults).",
        body: ProductCreate,
        response: { 201: ProductRef, ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await services.products.create(request.ctx, request.body)),
  );

  app.get(
    "/api/v1/products",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "List products",
        querystring: ProductListQuery,
        response: { 200: Page(Product), ...errors(400, 401) },
      },
    },
    async (request) => services.products.list(request.query),
  );

  app.get(
    "/api/v1/products/:code",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Read a product",
        params: ProductCodeParams,
        response: { 200: ProductRef, ...errors(401, 404) },
      },
    },
    async (request) => services.products.get(request.params.code),
  );

  app.patch(
    "/api/v1/products/:code",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Update a product",
        description:
          "Creates a new revision. Changes apply to licenses created afterwards; existing licenses keep their revision.",
        params: ProductCodeParams,
        body: ProductUpdate,
        response: { 200: ProductRef, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => services.products.update(request.ctx, request.params.code, request.body),
  );

  app.post(
    "/api/v1/products/:code/archive",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Archive a product",
        description: "No new orders may use it; its licenses keep working.",
        params: ProductCodeParams,
        response: { 200: ProductRef, ...errors(401, 403, 404) },
      },
    },
    async (request) => services.products.setArchived(request.ctx, request.params.code, true),
  );

  app.post(
    "/api/v1/products/:code/restore",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Restore an archived product",
        params: ProductCodeParams,
        response: { 200: ProductRef, ...errors(401, 403, 404) },
      },
    },
    async (request) => services.products.setArchived(request.ctx, request.params.code, false),
  );
}
