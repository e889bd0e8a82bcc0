import { Type } from "typebox";
import { describe, expect, it } from "vitest";
import { AppError, ErrorCode, invalid } from "../../domain/errors.ts";
import { safeNext } from "./auth.ts";
import { formErrors, parseForm, sentence } from "./forms.ts";

const Signup = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 5 }),
  code: Type.String({ pattern: "^[0-9]+$", errorMessage: "Use digits only." }),
  password: Type.String({ minLength: 10, writeOnly: true }),
});

describe("web forms", () => {
  it("trims text, keeps passwords as typed and drops unknown fields", () => {
    const r = parseForm(Signup, { name: "  Ada ", code: "42", password: " secret with spaces ", extra: "x" });
    expect(r).toEqual({
      ok: true,
      value: { name: "Ada", code: "42", password: " secret with spaces " },
      values: { name: "Ada", code: "42" },
    });
  });

  it("names each broken field in words a person understands, never echoing the password", () => {
    const r = parseForm(Signup, { name: "", code: "4x", password: "short" });
    expect(r.ok).toBe(false);
    expect(r).toMatchObject({
      errors: {
        fields: {
          name: "Fill in this field.",
          code: "Use digits only.",
          password: "Use at least 10 characters.",
        },
        form: [],
      },
      values: { name: "", code: "4x" },
    });
    expect(parseForm(Signup, { code: "1", password: "0123456789" })).toMatchObject({
      errors: { fields: { name: "Fill in this field." } },
    });
  });

  it("puts a service's issues next to their fields and the rest at the top", () => {
    const err = invalid([
      { field: "newPassword", message: "must be at least 10 characters long" },
      { field: "parameters.region", message: "is not allowed" },
    ]);
    expect(formErrors(err, ["newPassword"])).toEqual({
      fields: { newPassword: "Must be at least 10 characters long." },
      form: ["Parameters.region: is not allowed."],
    });
    const single = new AppError(ErrorCode.EMAIL_TAKEN, "email: a@b.c is already used", { field: "email" });
    expect(formErrors(single, { email: "emailAddress" })).toEqual({
      fields: { emailAddress: "A@b.c is already used." },
      form: [],
    });
    expect(formErrors(new AppError(ErrorCode.LOGIN_FAILED, "the email or the password is wrong"))).toEqual({
      fields: {},
      form: ["The email or the password is wrong."],
    });
    expect(() => formErrors(new Error("boom"))).toThrow("boom");
  });

  it("makes sentences", () => {
    expect(sentence("no seats left")).toBe("No seats left.");
    expect(sentence("Done!")).toBe("Done!");
  });

  it("only returns to paths of this site after sign-in", () => {
    expect(safeNext("/account?tab=1")).toBe("/account?tab=1");
    expect(safeNext("/orders/%0a")).toBe("/orders/%0a");
    for (const evil of [
      "https://evil.test/",
      "//evil.test/",
      "/\\evil.test",
      "/\t/evil.test/login",
      "/\n/evil.test",
      "/ /evil.test",
      "javascript:alert(1)",
      undefined,
      42,
    ])
      expect(safeNext(evil)).toBe("/");
  });
});
