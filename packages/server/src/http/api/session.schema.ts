import { Type } from "typebox";
import { PASSWORD_MAX_LENGTH } from "../../domain/login.ts";

export const Login = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254, description: "Compared regardless of case" }),
    password: Type.String({ maxLength: PASSWORD_MAX_LENGTH }),
  },
  {
    additionalProperties: false,
    examples: [{ email: "jane@acme-resellers.example", password: "a long passphrase" }],
  },
);

export const SignedIn = Type.Object(
  {
    user: Type.Ref("User"),
    csrfToken: Type.String({
      description:
        "Send it as the `x-csrf-token` header with every write (POST, PUT, PATCH, DELETE) made with the session cookie",
    }),
    expiresAt: Type.String({
      format: "date-time",
      description: "The session ends then (12 hours after signing in), however much it is used",
    }),
  },
  {
    examples: [
      {
        user: {
          id: "01a229bc-4b5a-7000-8c21-3f9e1d7a6b20",
          email: "jane@acme-resellers.example",
          name: "Jane Doe",
          groupId: "01a229bc-0c1e-7000-8a4f-5a0e3d2b9c11",
          isAdmin: true,
          isIsvAdmin: false,
          enabled: true,
          hasPassword: true,
          lockedUntil: null,
          createdAt: "2026-11-30T09:05:00.000Z",
          updatedAt: null,
        },
        csrfToken: "q3Jm0xS8cXl2Vb7T1dYkR9pWz4nA6eHfG5uLoC0iMs8",
        expiresAt: "2026-11-30T21:15:00.000Z",
      },
    ],
  },
);
