import { Type } from "typebox";

/** Error answer of every route. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: "Stable error code, e.g. VALIDATION_FAILED, NO_SEATS_AVAILABLE" }),
      message: Type.String({ description: "What was wrong and what is allowed" }),
      details: Type.Record(Type.String(), Type.Unknown(), {
        description: "Machine-readable context, e.g. the offending fields",
      }),
    }),
  },
  {
    $id: "Error",
    examples: [
      {
        error: {
          code: "VALIDATION_FAILED",
          message: "items.0.parameters.seats: 0 is below the minimum of 1",
          details: {
            issues: [{ field: "items.0.parameters.seats", message: "0 is below the minimum of 1" }],
          },
        },
      },
    ],
  },
);

export const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { $ref: "Error#", description: STATUS_TEXT[s] ?? "Error" }]));

const STATUS_TEXT: Record<number, string> = {
  400: "Malformed request or a broken rule; `details.issues` names the fields",
  401: "Missing or invalid API key",
  403: "The caller lacks the right",
  404: "Not found or not visible to the caller",
  409: "Conflicts with the current state",
  422: "Idempotency-Key reused with a different request",
  429: "Rate limit exceeded",
};

export const Id = Type.String({ format: "uuid", description: "Identifier (UUID v7: sorts by creation)" });

export const Limit = Type.Integer({
  minimum: 1,
  maximum: 200,
  default: 50,
  description: "Page size (1–200)",
});

export const Sort = Type.Union([Type.Literal("createdAt"), Type.Literal("-createdAt")], {
  default: "-createdAt",
  description: "Sort by creation time; `-` for newest first",
});

export const Cursor = Type.String({ description: "`nextCursor` of the previous page", maxLength: 200 });

export const ParameterValue = Type.Union([
  Type.String(),
  Type.Number(),
  Type.Boolean(),
  Type.Array(Type.String()),
  Type.Null(),
]);

export const ParameterValues = Type.Record(Type.String(), ParameterValue, {
  description: "Parameter values by key",
});

export const Page = <T extends object>(item: T) =>
  Type.Object({
    data: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description: "Pass as `cursor` for the next page; null on the last",
    }),
  });

export const IdempotencyHeader = Type.Object({
  "idempotency-key": Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: "Repeat a write safely: the same key and request return the first answer",
    }),
  ),
});

export const DateTime = Type.String({ format: "date-time" });
export const Day = Type.String({ format: "date", description: "A UTC day, YYYY-MM-DD" });
export const NullableDay = Type.Union([Day, Type.Null()]);
