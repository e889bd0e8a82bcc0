import { Type } from "typebox";

export const LoginForm = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 1000, writeOnly: true }),
  /** The page to return to after signing in (a path of this site). */
  next: Type.Optional(Type.String({ maxLength: 2000 })),
});

export const PasswordForm = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: 1000, writeOnly: true }),
  newPassword: Type.String({ minLength: 1, maxLength: 1000, writeOnly: true }),
  /** The new password typed again; a form-only check against typos. */
  confirmPassword: Type.String({ minLength: 1, maxLength: 1000, writeOnly: true }),
});
