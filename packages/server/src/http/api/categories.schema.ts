import { Type } from "typebox";
import { DateTime, Id } from "./common.schema.ts";

/** A value of any parameter type. */
const ParameterValue = () =>
  Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Array(Type.String()), Type.Null()]);

const FixedRule = Type.Object(
  {
    mode: Type.Literal("fixed"),
    value: ParameterValue(),
  },
  {
    additionalProperties: false,
    description: "Every license of the category gets this value (dates absolute or relative, e.g. P30D)",
  },
);

const FlexibleRule = Type.Object(
  {
    mode: Type.Literal("flexible"),
    input: Type.Optional(
      Type.Union(
        [Type.Literal("text"), Type.Literal("number"), Type.Literal("select"), Type.Literal("date")],
        {
          description: "The control that captures the value; default from the parameter's type",
        },
      ),
    ),
    maxLength: Type.Optional(Type.Integer({ minimum: 1, description: "text: maximum length" })),
    pattern: Type.Optional(Type.String({ description: "text: regular expression" })),
    min: Type.Optional(Type.Number({ description: "number: minimum" })),
    max: Type.Optional(Type.Number({ description: "number: maximum" })),
    options: Type.Optional(
      Type.Array(ParameterValue(), { minItems: 1, description: "select: values offered" }),
    ),
    minRelative: Type.Optional(
      Type.String({ description: "date: earliest, relative to creation (e.g. P1D)" }),
    ),
    maxRelative: Type.Optional(
      Type.String({ description: "date: latest, relative to creation (e.g. P30D)" }),
    ),
  },
  { additionalProperties: false, description: "Captured when the order is created, within these bounds" },
);

export const CategoryRule = Type.Union([FixedRule, FlexibleRule]);
const CategoryRuleView = Type.Union([
  Type.Object({ mode: Type.Literal("fixed"), value: ParameterValue() }),
  Type.Object({ mode: Type.Literal("flexible") }, { additionalProperties: true }),
]);

export const CategoryProductBody = Type.Object(
  {
    parameters: Type.Record(Type.String(), CategoryRule, {
      description:
        "Per order-specific parameter: fixed or flexible. Parameters left out take the product's default and cannot be set.",
    }),
  },
  {
    additionalProperties: false,
    examples: [
      {
        parameters: {
          expiresAt: { mode: "fixed", value: "P30D" },
          seats: { mode: "flexible", min: 1, max: 5 },
        },
      },
      {
        parameters: {
          expiresAt: { mode: "flexible", input: "select", options: ["P5D", "P30D", "P60D", "P90D"] },
        },
      },
    ],
  },
);

export const Category = Type.Object(
  {
    id: Id,
    name: Type.String(),
    products: Type.Array(
      Type.Object({ code: Type.Integer(), parameters: Type.Record(Type.String(), CategoryRule) }),
    ),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: "Category" },
);

export const CategoryName = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false, examples: [{ name: "Partners" }] },
);

export const CategoryParams = Type.Object({ id: Id });
export const CategoryProductParams = Type.Object({ id: Id, code: Type.Integer({ minimum: 1 }) });
