import { Type } from "typebox";
import { DateTime, Id, ParameterValue } from "./common.schema.ts";

export const ParameterDefinition = Type.Object(
  {
    key: Type.String({
      description: "Name in license files; well-known: expiresAt, maintenanceUntil, seats, features",
      maxLength: 64,
    }),
    label: Type.String({ description: "Shown to people", minLength: 1, maxLength: 200 }),
    type: Type.Union(
      [
        Type.Literal("text"),
        Type.Literal("number"),
        Type.Literal("boolean"),
        Type.Literal("date"),
        Type.Literal("select"),
        Type.Literal("features"),
      ],
      { description: "Value type" },
    ),
    binding: Type.Union([Type.Literal("static"), Type.Literal("order"), Type.Literal("activation")], {
      description: "When the value is decided: in the product, per order, or per activation",
    }),
    default: Type.Optional(ParameterValue),
    maxLength: Type.Optional(Type.Integer({ minimum: 1, description: "text: maximum length" })),
    pattern: Type.Optional(
      Type.String({ description: "text: regular expression the whole value must match" }),
    ),
    min: Type.Optional(Type.Number({ description: "number: minimum" })),
    max: Type.Optional(Type.Number({ description: "number: maximum" })),
    integer: Type.Optional(Type.Boolean({ description: "number: whole numbers only" })),
    options: Type.Optional(
      Type.Array(Type.Union([Type.String(), Type.Number()]), { description: "select: allowed values" }),
    ),
    features: Type.Optional(Type.Array(Type.String(), { description: "features: declared feature names" })),
  },
  { additionalProperties: false },
);

const productExample = {
  code: 1001,
  name: "Studio Pro",
  description: "Desktop editor",
  fileValidity: "P30D",
  parameters: [
    { key: "expiresAt", label: "Expiry", type: "date", binding: "order", default: "P1Y" },
    { key: "seats", label: "Seats", type: "number", binding: "order", default: 1, min: 1, max: 100 },
    {
      key: "features",
      label: "Features",
      type: "features",
      binding: "order",
      features: ["export", "cloud"],
      default: ["export"],
    },
    {
      key: "edition",
      label: "Edition",
      type: "select",
      binding: "order",
      options: ["standard", "pro"],
      default: "standard",
    },
  ],
};

export const ProductCreate = Type.Object(
  {
    code: Type.Integer({ minimum: 1, maximum: 2147483647, description: "Unique product code" }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    parameters: Type.Optional(Type.Array(ParameterDefinition, { maxItems: 100 })),
    fileValidity: Type.Optional(
      Type.Union([Type.String(), Type.Null()], {
        description:
          "How long a license file works offline (ISO duration, e.g. P30D); null for files that never expire. Default from LICENSE_FILE_VALIDITY.",
      }),
    ),
  },
  { additionalProperties: false, examples: [productExample] },
);

export const ProductUpdate = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    parameters: Type.Optional(Type.Array(ParameterDefinition, { maxItems: 100 })),
    fileValidity: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  },
  {
    additionalProperties: false,
    examples: [
      { name: "Studio Pro 2027" },
      {
        fileValidity: "P90D",
        parameters: [
          ...productExample.parameters,
          { key: "region", label: "Region", type: "text", binding: "activation", maxLength: 40 },
        ],
      },
    ],
  },
);

export const Product = Type.Object(
  {
    id: Id,
    code: Type.Integer(),
    name: Type.String(),
    description: Type.String(),
    parameters: Type.Array(ParameterDefinition),
    fileValidity: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([Type.Literal("active"), Type.Literal("archived")]),
    revision: Type.Integer({
      description: "Increases with every change; licenses keep the revision they were created with",
    }),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  {
    $id: "Product",
    examples: [
      {
        id: "01a229ba-e0a6-7000-87ea-42c4e259a762",
        ...productExample,
        status: "active",
        revision: 1,
        createdAt: "2026-11-29T12:00:00.000Z",
        updatedAt: "2026-11-29T12:00:00.000Z",
      },
    ],
  },
);

export const ProductCodeParams = Type.Object({
  code: Type.Integer({ minimum: 1, description: "Product code" }),
});

export const ProductListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal("active"), Type.Literal("archived")])),
    search: Type.Optional(Type.String({ maxLength: 200, description: "Part of the name" })),
    cursor: Type.Optional(Type.Integer({ description: "`nextCursor` of the previous page" })),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);
