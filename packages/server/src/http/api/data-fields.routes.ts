import { Type } from "typebox";
import type { Services } from "../../services/index.ts";
import type { App } from "../app.ts";
import { errors, Id } from "./common.schema.ts";

const FieldType = Type.Union([
  Type.Literal("text"),
  Type.Literal("number"),
  Type.Literal("select"),
  Type.Literal("date"),
]);

const rules = {
  label: Type.String({ minLength: 1, maxLength: 200 }),
  required: Type.Optional(Type.Boolean({ description: "Every applicable order must give a value" })),
  maxLength: Type.Optional(Type.Integer({ minimum: 1, description: "text: maximum length" })),
  pattern: Type.Optional(Type.String({ description: "text: regular expression the whole value must match" })),
  min: Type.Optional(Type.Number({ description: "number: minimum" })),
  max: Type.Optional(Type.Number({ description: "number: maximum" })),
  options: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: "select: allowed values" })),
  categories: Type.Optional(
    Type.Array(Id, { description: "Categories where the field appears; empty or absent: on every order" }),
  ),
  position: Type.Optional(Type.Integer({ description: "Order of fields in forms and exports" })),
};

const DataFieldCreate = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 64, description: "Name in the API and exports" }),
    type: FieldType,
    unique: Type.Optional(
      Type.Boolean({
        description:
          "No two orders share a value; a repeated value with the same order replays it (an ERP's idempotency key)",
      }),
    ),
    ...rules,
  },
  {
    additionalProperties: false,
    examples: [
      {
        key: "erpOrderNumber",
        label: "ERP order number",
        type: "text",
        required: true,
        unique: true,
        pattern: "SO-[0-9]+",
      },
    ],
  },
);

const DataFieldUpdate = Type.Object(
  { ...rules, label: Type.Optional(rules.label) },
  { additionalProperties: false, examples: [{ label: "Sales order", required: false }] },
);

const DataField = Type.Object({
  id: Id,
  key: Type.String(),
  label: Type.String(),
  type: FieldType,
  required: Type.Boolean(),
  unique: Type.Boolean(),
  maxLength: Type.Optional(Type.Integer()),
  pattern: Type.Optional(Type.String()),
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
  options: Type.Optional(Type.Array(Type.String())),
  categories: Type.Array(Type.String()),
  position: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const KeyParams = Type.Object({ key: Type.String({ maxLength: 64 }) });
const tags = ["data fields"];
const security = [{ apiKey: [] }];

export async function dataFieldRoutes(app: App, services: Services): Promise<void> {
  app.get(
    "/api/v1/data-fields",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "List data fields",
        response: { 200: Type.Object({ data: Type.Array(DataField) }), ...errors(401) },
      },
    },
    async () => ({ data: await services.dataFields.list() }),
  );

  app.post(
    "/api/v1/data-fields",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Create a data field",
        description: "ISV admins only. Vendor-configured order fields, validated on every channel.",
        body: DataFieldCreate,
        response: { 201: DataField, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await services.dataFields.create(request.ctx, request.body)),
  );

  app.patch(
    "/api/v1/data-fields/:key",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Change a data field",
        description: "Key, type and uniqueness cannot change once created.",
        params: KeyParams,
        body: DataFieldUpdate,
        response: { 200: DataField, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => services.dataFields.update(request.ctx, request.params.key, request.body),
  );

  app.delete(
    "/api/v1/data-fields/:key",
    {
      config: { auth: "apiKey" },
      schema: {
        tags,
        security,
        summary: "Delete a data field no order uses",
        params: KeyParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await services.dataFields.delete(request.ctx, request.params.key);
      return reply.status(204).send(null);
    },
  );
}
