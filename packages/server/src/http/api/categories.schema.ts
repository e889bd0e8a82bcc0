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

const Duration = (description: string) =>
  Type.String({ pattern: "^P(?!$)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?$", description });

/** How a category sells a product as a subscription (DESIGN §2.6). */
export const SubscriptionConfig = Type.Object(
  {
    type: Type.Union([Type.Literal("license"), Type.Literal("maintenance")], {
      description:
        "license: the subscription drives expiresAt (the license stops after the end date); maintenance: it drives maintenanceUntil",
    }),
    cancellationPeriod: Duration(
      "How long before the end date a cancellation must arrive, e.g. P3M; the deadline is the end date minus this",
    ),
    firstEnd: Type.Union(
      [
        Type.Object(
          {
            mode: Type.Literal("fixed"),
            value: Duration("The first end date, relative to the order's creation, e.g. P1Y"),
          },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            mode: Type.Literal("flexible"),
            min: Duration("Earliest first end date, relative to the order's creation"),
            max: Duration("Latest first end date, relative to the order's creation"),
            default: Type.Optional(Duration("Used when the order gives none; default min")),
          },
          { additionalProperties: false },
        ),
      ],
      {
        description:
          "The first end date; an order may give it as the driven parameter's value (a duration or an aligned date)",
      },
    ),
    alignTo: Type.Optional(
      Type.Union([Type.Literal("month"), Type.Literal("quarter"), Type.Literal("year")], {
        description: "End dates move forward to the last day of their month, quarter or year",
      }),
    ),
    renewalTerm: Type.Optional(Duration("How far each renewal extends the subscription; default P1Y")),
  },
  { additionalProperties: false },
);
const _CategoryRuleView = Type.Union([
  Type.Object({ mode: Type.Literal("fixed"), value: ParameterValue() }),
  Type.Object({ mode: Type.Literal("flexible") }, { additionalProperties: true }),
]);

export const CategoryProductBody = Type.Object(
  {
    parameters: Type.Record(Type.String(), CategoryRule, {
      description:
        "Per order-specific parameter: fixed or flexible. Parameters left out take the product's default and cannot be set.",
    }),
    subscription: Type.Optional(SubscriptionConfig),
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
      {
        parameters: { seats: { mode: "flexible", min: 1, max: 50 } },
        subscription: {
          type: "license",
          cancellationPeriod: "P3M",
          firstEnd: { mode: "flexible", min: "P1Y", max: "P3Y" },
          alignTo: "quarter",
          renewalTerm: "P1Y",
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
      Type.Object({
        code: Type.Integer(),
        parameters: Type.Record(Type.String(), CategoryRule),
        subscription: Type.Optional(SubscriptionConfig),
      }),
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
