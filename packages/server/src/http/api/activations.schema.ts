import { Type } from "typebox";
import { Day, Id } from "./common.schema.ts";
import { activationExample } from "./orders.schema.ts";

const ticketExample = "7KQ2M-9XH4D-ZP1RT-8W3NC-6YB5V";
const fingerprintExample = activationExample.fingerprint;
/** A license file, shortened: header, payload and signature are base64url (docs/LICENSE-FILE.md). */
const licenseFileExample =
  "eyJhbGciOiJFZERTQSIsInR5cCI6ImxpY2VudHJhLWxpY2Vuc2Urand0Iiwia2lkIjoicU5ucmFmZFZBVFZqeGxvTnIzdmhNRkJPRWxYbmR2aGFKRHJTMVprUXdBWSJ9.eyJpc3MiOiJodHRwczovL2xpY2Vuc2VzLmV4YW1wbGUuY29tIiwic3ViIjoi….JseQUS8bjZXSASJUppy7YMXQzkkLiHe-exLa7-sE-yTrJCTf64BZ0xR8qsFiSpR_lP4rUFZIuIjcO14HCJW8CA";
const licenseIdExample = activationExample.licenseId;

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
        ticket: ticketExample,
        productCode: 1001,
        fingerprint: fingerprintExample,
        deviceName: "ada-laptop",
      },
      {
        ticket: ticketExample,
        license: licenseIdExample,
        fingerprint: fingerprintExample,
        deviceName: "build-server-7",
        parameters: { region: "EU" },
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
  {
    additionalProperties: false,
    description: "The request file the SDK writes on an offline machine",
    examples: [
      {
        type: "licentra-activation-request",
        version: 1,
        ticket: ticketExample,
        productCode: 1001,
        fingerprint: fingerprintExample,
        deviceName: "build-server-7",
        parameters: {},
        createdAt: "2026-11-29T12:00:00.000Z",
      },
    ],
  },
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
    examples: [{ ticket: ticketExample }, { licenseFile: licenseFileExample }],
  },
);

export const ActivationAnswer = Type.Object(
  {
    activation: Type.Ref("Activation"),
    licenseFile: Type.String({ description: "JWS compact serialization (docs/LICENSE-FILE.md)" }),
  },
  { examples: [{ activation: activationExample, licenseFile: licenseFileExample }] },
);

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
      { license: licenseIdExample, fingerprint: fingerprintExample, features: ["export"] },
      {
        licenseFile: licenseFileExample,
        fingerprint: fingerprintExample,
        productCode: 1001,
        buildDate: "2026-11-01",
      },
    ],
  },
);

const validLicenseExample = {
  id: licenseIdExample,
  product: { code: 1001 },
  version: 1,
  expiresAt: "2027-11-29",
  maintenanceUntil: null,
  features: ["export", "cloud"],
};

export const ValidateAnswer = Type.Object(
  {
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
  },
  {
    examples: [
      { valid: true, code: "VALID", detail: "the license is valid", license: validLicenseExample },
      {
        valid: false,
        code: "FEATURE_MISSING",
        detail: "the license lacks feature(s) print",
        license: validLicenseExample,
      },
      {
        valid: false,
        code: "NOT_ACTIVATED",
        detail: "the activation this file was issued for no longer exists or was returned",
      },
    ],
  },
);

export const TicketParams = Type.Object({ ticket: Type.String({ maxLength: 40 }) });
