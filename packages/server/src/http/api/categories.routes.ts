import { Type } from "typebox";
import type { Services } from "../../services/index.ts";
import type { App } from "../app.ts";
import {
  Category,
  CategoryName,
  CategoryParams,
  CategoryProductBody,
  CategoryProductParams,
} from "./categories.schema.ts";
import { errors } from "./common.schema.ts";

const tags = ["categories"];
const security = [{ apiKey: [] }];
const CategoryRef = { $ref: "Category#" };

export async function categoryRoutes(app: App, services: Services): Promise<void> {
  app.post(
    "/api/v1/categories",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Create a category",
        description: "ISV admins only. A category is a set of products and a permission.",
        body: CategoryName,
        response: { 201: CategoryRef, ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await services.categories.create(request.ctx, request.body.name)),
  );

  app.get(
    "/api/v1/categories",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "List categories",
        description: "ISV admins see all; others the categories they hold a right on.",
        response: { 200: Type.Object({ data: Type.Array(Category) }), ...errors(401) },
      },
    },
    async (request) => ({ data: await services.categories.list(request.ctx) }),
  );

  app.get(
    "/api/v1/categories/:id",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Read a category with its product configurations",
        params: CategoryParams,
        response: { 200: CategoryRef, ...errors(401, 404) },
      },
    },
    async (request) => services.categories.get(request.ctx, request.params.id),
  );

  app.patch(
    "/api/v1/categories/:id",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Rename a category",
        params: CategoryParams,
        body: CategoryName,
        response: { 200: CategoryRef, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => services.categories.rename(request.ctx, request.params.id, request.body.name),
  );

  app.delete(
    "/api/v1/categories/:id",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Delete a category",
        description: "Only while no license remembers it; its grants are deleted with it.",
        params: CategoryParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await services.categories.delete(request.ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.put(
    "/api/v1/categories/:id/products/:code",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Add a product to a category, or replace its configuration",
        description:
          "Each order-specific parameter is fixed (a value) or flexible (an input kind with bounds); the configuration is checked against the parameter's type.",
        params: CategoryProductParams,
        body: CategoryProductBody,
        response: { 200: CategoryRef, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) =>
      services.categories.configureProduct(request.ctx, request.params.id, request.params.code, request.body),
  );

  app.delete(
    "/api/v1/categories/:id/products/:code",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Remove a product from a category",
        params: CategoryProductParams,
        response: { 200: CategoryRef, ...errors(401, 403, 404) },
      },
    },
    async (request) => services.categories.removeProduct(request.ctx, request.params.id, request.params.code),
  );
}
