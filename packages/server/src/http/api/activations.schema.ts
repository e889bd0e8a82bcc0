import { Type } from "typebox";
import { Day, Id } from "./common.schema.ts";

const Fingerprint = Type.String({
  minLength: 8,
  maxLength: 200,
  description: "Device fingerprint from the SDK",
});
const Ticket = Type.String({
  minLength: 1,
  maxLength: 40,
  description: "The order's ticket (case-insensitive, dashes optional)",
});

export const ActivateBody = Type.Object(
  {
    ticket: Ticket,
    license: Type.Optional(Id),
    productCode: Type.Optional(
      Type.Integer({ minimum: 1, description: "Instead of license: the order's license of this product" }),
    ),
    fingerprint: Fingerprint,
    deviceName: Type.String({ minLength: 1, maxLength: 200 }),
    parameters: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: "Activation-specific values" }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        ticket: "7KQ2M-9XH4D-ZP1RT-8W3NC-6YB5V",
        productCode: 1001,
        fingerprint: "3f9a…c21e",
        deviceName: "ada-laptop",
      },
    ],
  },
);

export const OfflineRequestBody = Type.Object(
  {
    type: Type.Literal("licentra-activation-request"),
    version: Type.Literal(1),
    ticket: Ticket,
    license: Type.Optional(Id),
    productCode: Type.Optional(Type.Integer({ minimum: 1 })),
    fingerprint: Fingerprint,
    deviceName: Type.String({ minLength: 1, maxLength: 200 }),
    parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    createdAt: Type.Optional(Type.String({ format: "date-time" })),
  },
  { additionalProperties: false, description: "The request file the SDK writes on an offline machine" },
);

export const ProofBody = Type.Object(
  {
    ticket: Type.Optional(Ticket),
    licenseFile: Type.Optional(
      Type.String({ maxLength: 20000, description: "The activation's current license file" }),
    ),
  },
  {
    additionalProperties: false,
    description: "Either the ticket or the current license file",
    examples: [{ ticket: "7KQ2M-9XH4D-ZP1RT-8W3NC-6YB5V" }],
  },
);

export const ActivationAnswer = Type.Object({
  activation: Type.Ref("Activation"),
  licenseFile: Type.String({ description: "JWS compact serialization (docs/LICENSE-FILE.md)" }),
});

export const ValidateBody = Type.Object(
  {
    licenseFile: Type.Optional(Type.String({ maxLength: 20000 })),
    license: Type.Optional(Id),
    fingerprint: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    productCode: Type.Optional(Type.Integer({ minimum: 1, description: "Expected product" })),
    features: Type.Optional(
      Type.Array(Type.String(), { maxItems: 100, description: "Features the caller needs" }),
    ),
    buildDate: Type.Optional(Day),
  },
  {
    additionalProperties: false,
    description: "Either licenseFile, or license with fingerprint",
    examples: [
      { license: "0193a7b2-5c1e-7d00-8000-3f1c2b4a5d6e", fingerprint: "3f9a…c21e", features: ["export"] },
    ],
  },
);

export const ValidateAnswer = Type.Object({
  valid: Type.Boolean(),
  code: Type.String({
    description:
      "VALID, EXPIRED, REVOKED, NOT_ACTIVATED, FINGERPRINT_MISMATCH, FILE_EXPIRED, NOT_YET_VALID, BAD_SIGNATURE, UNKNOWN_KEY, PRODUCT_MISMATCH, FEATURE_MISSING, MAINTENANCE_EXPIRED",
  }),
  detail: Type.String(),
  license: Type.Optional(
    Type.Object({
      id: Id,
      product: Type.Object({ code: Type.Integer() }),
      version: Type.Integer(),
      expiresAt: Type.Union([Type.String(), Type.Null()]),
      maintenanceUntil: Type.Union([Type.String(), Type.Null()]),
      features: Type.Array(Type.String()),
    }),
  ),
});

export const TicketParams = Type.Object({ ticket: Type.String({ maxLength: 40 }) });
