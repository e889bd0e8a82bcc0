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
      {
        error: {
          code: "NO_SEATS_AVAILABLE",
          message: "every seat is taken (2/2); return an activation on another device first",
          details: {},
        },
      },
      {
        error: {
          code: "RATE_LIMITED",
          message: "too many requests; retry in 58 s",
          details: { retryAfterSeconds: 58 },
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

/** A page of a list; its example is a last page holding the item's first example. */
export const Page = <T extends object>(item: T) => {
  const example = (item as { examples?: unknown[] }).examples?.[0];
  return Type.Object(
    {
      data: Type.Array(item),
      nextCursor: Type.Union([Type.String(), Type.Null()], {
        description: "Pass as `cursor` for the next page; null on the last",
      }),
    },
    example === undefined ? {} : { examples: [{ data: [example], nextCursor: null }] },
  );
};

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
