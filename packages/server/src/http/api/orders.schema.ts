import { Type } from "typebox";
import { Cursor, DateTime, Day, Id, Limit, NullableDay, ParameterValues, Sort } from "./common.schema.ts";

const licenseExample = {
  id: "01a229ba-e170-7001-a50d-d1af05d6b6c6",
  orderId: "01a229ba-e170-7000-89a8-7091aa8678fe",
  product: { code: 1001, name: "Studio Pro" },
  status: "active",
  version: 1,
  seats: 3,
  activeSeats: 1,
  expiresAt: "2027-11-29",
  maintenanceUntil: null,
  features: ["export", "cloud"],
  parameters: { edition: "standard" },
  categoryId: null,
  rules: { expiresAt: "P1Y", seats: 3, features: ["export", "cloud"], edition: "standard" },
  activated: true,
  createdAt: "2026-11-29T12:00:00.000Z",
  updatedAt: "2026-11-29T12:00:00.000Z",
};

/** An activation as answered; reused by the activation routes' examples. */
export const activationExample = {
  id: "01a229ba-ef0f-7000-8747-39504e5a57ad",
  licenseId: "01a229ba-e170-7001-a50d-d1af05d6b6c6",
  deviceName: "ada-laptop",
  fingerprint: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  status: "active",
  parameters: {},
  fileVersion: 1,
  createdAt: "2026-11-29T12:05:00.000Z",
  refreshedAt: "2026-11-29T12:05:00.000Z",
  returnedAt: null,
};

export const Customer = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    email: Type.Optional(Type.String({ format: "email", maxLength: 320 })),
    company: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false, description: "The end customer (all fields optional)" },
);

export const OrderCreate = Type.Object(
  {
    dataFields: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), {
        description: "Values of the vendor's data fields, by key (see /api/v1/data-fields)",
      }),
    ),
    category: Type.Optional(
      Type.String({
        format: "uuid",
        description:
          "The category to create the order through: its products, fixed and flexible values and your rights on it. Optional for ISV admins only.",
      }),
    ),
    externalOrderNumber: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description:
          "The ERP's order number: sending the same order again returns the existing one (200); a different order with this number is a 409",
      }),
    ),
    customer: Type.Optional(Customer),
    items: Type.Array(
      Type.Object(
        {
          product: Type.Integer({ minimum: 1, description: "Product code" }),
          quantity: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 1000, default: 1, description: "Number of licenses" }),
          ),
          parameters: Type.Optional(
            Type.Record(Type.String(), Type.Unknown(), {
              description: "Order-specific values by parameter key",
            }),
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        externalOrderNumber: "SO-2026-0042",
        customer: { name: "Ada Lovelace", email: "ada@example.com", company: "Analytical Engines Ltd" },
        items: [
          {
            product: 1001,
            quantity: 1,
            parameters: { seats: 3, expiresAt: "P1Y", features: ["export", "cloud"] },
          },
        ],
      },
      { items: [{ product: 1001, quantity: 5, parameters: { expiresAt: "2027-12-31" } }] },
    ],
  },
);

export const License = Type.Object(
  {
    id: Id,
    orderId: Id,
    categoryId: Type.Union([Id, Type.Null()], {
      description: "The category the license was created through",
    }),
    product: Type.Object({ code: Type.Integer(), name: Type.String() }),
    status: Type.Union([Type.Literal("active"), Type.Literal("revoked")]),
    version: Type.Integer({ description: "Increases with every modification" }),
    seats: Type.Integer(),
    activeSeats: Type.Integer({ description: "Devices activated now" }),
    expiresAt: NullableDay,
    maintenanceUntil: NullableDay,
    features: Type.Array(Type.String()),
    parameters: ParameterValues,
    rules: Type.Record(Type.String(), Type.Unknown(), {
      description: "Order-specific values as requested (relative dates unresolved)",
    }),
    activated: Type.Boolean({ description: "Ever activated (then it can no longer be deleted)" }),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: "License", examples: [licenseExample] },
);

export const Activation = Type.Object(
  {
    id: Id,
    licenseId: Id,
    deviceName: Type.String(),
    fingerprint: Type.String(),
    status: Type.Union([Type.Literal("active"), Type.Literal("returned")]),
    parameters: ParameterValues,
    fileVersion: Type.Integer({ description: "License version of the current file" }),
    createdAt: DateTime,
    refreshedAt: DateTime,
    returnedAt: Type.Union([DateTime, Type.Null()]),
  },
  { $id: "Activation", examples: [activationExample] },
);

export const CustomerView = Type.Union([
  Type.Object({
    name: Type.Union([Type.String(), Type.Null()]),
    email: Type.Union([Type.String(), Type.Null()]),
    company: Type.Union([Type.String(), Type.Null()]),
  }),
  Type.Null(),
]);

export const Order = Type.Object(
  {
    id: Id,
    ticket: Type.String({
      description: "The secret the end customer activates with: give it only to the customer",
    }),
    externalOrderNumber: Type.Union([Type.String(), Type.Null()]),
    categoryId: Type.Union([Id, Type.Null()]),
    customer: CustomerView,
    dataFields: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), {
      description: "Data field values by key",
    }),
    status: Type.Union([Type.Literal("active"), Type.Literal("closed")], {
      description: "closed: no active license left",
    }),
    createdAt: DateTime,
    licenses: Type.Array(Type.Ref("License")),
  },
  {
    $id: "Order",
    examples: [
      {
        id: "01a229ba-e170-7000-89a8-7091aa8678fe",
        ticket: "7KQ2M-9XH4D-ZP1RT-8W3NC-6YB5V",
        externalOrderNumber: "SO-2026-0042",
        categoryId: null,
        customer: { name: "Ada Lovelace", email: "ada@example.com", company: "Analytical Engines Ltd" },
        dataFields: {},
        status: "active",
        createdAt: "2026-11-29T12:00:00.000Z",
        licenses: [{ ...licenseExample, activeSeats: 0, activated: false }],
      },
    ],
  },
);

export const OrderListQuery = Type.Object(
  {
    product: Type.Optional(
      Type.Integer({ minimum: 1, description: "Orders with a license of this product code" }),
    ),
    customer: Type.Optional(
      Type.String({
        maxLength: 200,
        description: "Part of the customer's name, email or company (case-insensitive)",
      }),
    ),
    createdFrom: Type.Optional(Type.String({ format: "date-time", description: "Created at or after" })),
    createdTo: Type.Optional(Type.String({ format: "date-time", description: "Created before" })),
    status: Type.Optional(Type.Union([Type.Literal("active"), Type.Literal("closed")])),
    category: Type.Optional(
      Type.String({ format: "uuid", description: "Orders created through this category" }),
    ),
    dataField: Type.Optional(
      Type.Array(Type.String({ maxLength: 300 }), {
        maxItems: 10,
        description: "`key=value` on a data field; repeat to combine (all must match)",
      }),
    ),
    externalOrderNumber: Type.Optional(Type.String({ maxLength: 100 })),
    ticket: Type.Optional(Type.String({ maxLength: 40 })),
    sort: Sort,
    cursor: Type.Optional(Cursor),
    limit: Limit,
  },
  { additionalProperties: false },
);

export const LicenseListQuery = Type.Object(
  {
    product: Type.Optional(Type.Integer({ minimum: 1 })),
    order: Type.Optional(Id),
    status: Type.Optional(Type.Union([Type.Literal("active"), Type.Literal("revoked")])),
    sort: Sort,
    cursor: Type.Optional(Cursor),
    limit: Limit,
  },
  { additionalProperties: false },
);

export const LicenseModify = Type.Object(
  {
    parameters: Type.Record(Type.String(), Type.Unknown(), {
      description: "Order-specific values to change; others keep their value",
    }),
    version: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          "The license version the change was made against. When the license has changed since, nothing changes and the answer is 409 LICENSE_CHANGED, so two editors never overwrite each other unknowingly.",
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      { parameters: { seats: 5, expiresAt: "2028-12-31" }, version: 1 },
      { parameters: { features: ["export"] } },
    ],
  },
);

export const IdParams = Type.Object({ id: Id });

export { Day };
