import { Type } from "typebox";
import { Cursor, DateTime, Day, Id, Limit } from "./common.schema.ts";

const subscriptionExample = {
  id: "01a229ba-e170-7002-9d3e-3c5e1a0b7f21",
  licenseId: "01a229ba-e170-7001-a50d-d1af05d6b6c6",
  orderId: "01a229ba-e170-7000-89a8-7091aa8678fe",
  categoryId: "01a229b9-0a1b-7000-8c2d-4e5f6a7b8c9d",
  groupId: "01a229b8-1c2d-7000-9e3f-5a6b7c8d9e0f",
  product: { code: 1001 },
  type: "license",
  status: "active",
  term: 1,
  startDate: "2026-11-29",
  endDate: "2027-12-31",
  cancellationDeadline: "2027-09-30",
  cancellationPeriod: "P3M",
  renewalTerm: "P1Y",
  alignTo: "quarter",
  cancelledAt: null,
  endedAt: null,
  endReason: null,
  createdAt: "2026-11-29T12:00:00.000Z",
  updatedAt: "2026-11-29T12:00:00.000Z",
};

export const Subscription = Type.Object(
  {
    id: Id,
    licenseId: Id,
    orderId: Id,
    categoryId: Id,
    groupId: Id,
    product: Type.Object({ code: Type.Integer() }),
    type: Type.Union([Type.Literal("license"), Type.Literal("maintenance")], {
      description: "license: drives the license's expiresAt; maintenance: its maintenanceUntil",
    }),
    status: Type.Union([Type.Literal("active"), Type.Literal("cancelled"), Type.Literal("ended")], {
      description:
        "active: renews when the deadline passes; cancelled: ends on endDate; ended: over (after a cancellation, or a revoked or deleted license)",
    }),
    term: Type.Integer({ description: "The current term, 1 for the first" }),
    startDate: Day,
    endDate: Type.String({ format: "date", description: "Last day of the current term" }),
    cancellationDeadline: Type.String({
      format: "date",
      description:
        "Last day a cancellation of the current term is accepted (endDate minus cancellationPeriod); the subscription renews when the UTC day is after it",
    }),
    cancellationPeriod: Type.String(),
    renewalTerm: Type.String(),
    alignTo: Type.Union([Type.Literal("month"), Type.Literal("quarter"), Type.Literal("year"), Type.Null()]),
    cancelledAt: Type.Union([DateTime, Type.Null()]),
    endedAt: Type.Union([DateTime, Type.Null()]),
    endReason: Type.Union([Type.String(), Type.Null()], {
      description: "cancelled, license_revoked or license_deleted",
    }),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { examples: [subscriptionExample] },
);

export const SubscriptionTerm = Type.Object({
  term: Type.Integer(),
  kind: Type.Union([Type.Literal("initial"), Type.Literal("renewal")]),
  startDate: Day,
  endDate: Day,
  cancellationDeadline: Day,
  effectiveDay: Type.String({
    format: "date",
    description: "The order's day for the first term; for a renewal the day after the deadline passed",
  }),
  licenseVersion: Type.Integer({ description: "The license's version once this term was written" }),
  recordedAt: DateTime,
});

export const SubscriptionWithTerms = Type.Intersect([
  Subscription,
  Type.Object({ terms: Type.Array(SubscriptionTerm, { description: "Every term, oldest first" }) }),
]);

export const SubscriptionListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal("active"), Type.Literal("cancelled"), Type.Literal("ended")]),
    ),
    license: Type.Optional(Id),
    order: Type.Optional(Id),
    product: Type.Optional(Type.Integer({ minimum: 1 })),
    group: Type.Optional(Id),
    deadlineFrom: Type.Optional(Type.String({ format: "date", description: "Deadline on or after" })),
    deadlineTo: Type.Optional(Type.String({ format: "date", description: "Deadline on or before" })),
    cursor: Type.Optional(Cursor),
    limit: Limit,
  },
  { additionalProperties: false },
);

export const Format = Type.Union([Type.Literal("json"), Type.Literal("csv")], {
  default: "json",
  description: "json, or csv (a spreadsheet-ready file with a header row)",
});

export const ActiveReportQuery = Type.Object(
  {
    product: Type.Optional(Type.Integer({ minimum: 1 })),
    group: Type.Optional(Id),
    format: Format,
  },
  { additionalProperties: false },
);

export const ActiveReport = Type.Object({
  asOf: Day,
  data: Type.Array(
    Type.Object({
      subscriptionId: Id,
      licenseId: Id,
      orderId: Id,
      externalOrderNumber: Type.Union([Type.String(), Type.Null()]),
      groupId: Id,
      groupName: Type.Union([Type.String(), Type.Null()]),
      productCode: Type.Integer(),
      productName: Type.Union([Type.String(), Type.Null()]),
      type: Type.String(),
      status: Type.String(),
      term: Type.Integer(),
      endDate: Day,
      cancellationDeadline: Day,
      customerCompany: Type.Union([Type.String(), Type.Null()]),
      customerName: Type.Union([Type.String(), Type.Null()]),
      customerEmail: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

export const MonthlyReportQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ pattern: "^\\d{4}-\\d{2}$", description: "First month, YYYY-MM" })),
    to: Type.Optional(Type.String({ pattern: "^\\d{4}-\\d{2}$", description: "Last month, YYYY-MM" })),
    format: Format,
  },
  { additionalProperties: false },
);

export const MonthlyReport = Type.Object({
  from: Type.String(),
  to: Type.String(),
  data: Type.Array(
    Type.Object({
      month: Type.String({ description: "YYYY-MM" }),
      groupId: Type.Union([Id, Type.Null()]),
      groupName: Type.Union([Type.String(), Type.Null()]),
      created: Type.Integer({ description: "New subscriptions (orders) in the month" }),
      renewed: Type.Integer({ description: "Renewals whose deadline passed in the month" }),
      cancelled: Type.Integer({ description: "Cancellations made in the month" }),
      withdrawn: Type.Integer({ description: "Cancellations withdrawn in the month" }),
      ended: Type.Integer({ description: "Subscriptions whose end date lies in the month" }),
    }),
  ),
});

export const JobParams = Type.Object({ name: Type.String({ maxLength: 50 }) });

export const JobResult = Type.Object({
  job: Type.String(),
  node: Type.String({ description: "The server process that ran it" }),
  startedAt: DateTime,
  finishedAt: DateTime,
  renewals: Type.Object({
    renewed: Type.Integer(),
    terms: Type.Integer(),
    ended: Type.Integer(),
    reminded: Type.Integer(),
    failed: Type.Integer(),
  }),
  notices: Type.Object({ sent: Type.Integer(), logged: Type.Integer(), failed: Type.Integer() }),
});
