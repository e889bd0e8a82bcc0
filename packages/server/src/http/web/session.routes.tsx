/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config/config.ts";
import { AppError } from "../../domain/errors.ts";
import type { Services } from "../../services/index.ts";
import { SESSION_COOKIE } from "../../services/session.service.ts";
import { HTTP_STATUS } from "../errors.ts";
import { signInRateLimit } from "../session-cookie.ts";
import { safeNext, sessionCookieOptions, setSessionCookie } from "./auth.ts";
import { flash } from "./flash.ts";
import { formErrors, parseForm } from "./forms.ts";
import { render, seeOther } from "./render.tsx";
import { LoginPage, PasswordPage } from "./session.pages.tsx";
import { LoginForm, PasswordForm } from "./session.schema.ts";

/** Sign-in: public. A signed-in visitor goes straight on. */
export async function signInRoutes(app: FastifyInstance, services: Services, config: Config): Promise<void> {
  app.get<{ Querystring: { next?: string; expired?: string } }>("/login", async (request, reply) => {
    const next = safeNext(request.query.next);
    if (request.cookieSession) return seeOther(reply, next);
    return render(reply, <LoginPage next={next} expired={request.query.expired === "1"} />);
  });

  app.post("/login", { config: signInRateLimit(config) }, async (request, reply) => {
    const form = parseForm(LoginForm, request.body);
    const next = safeNext(form.values.next);
    if (!form.ok) return render(reply, <LoginPage next={next} {...form} />, { status: 400 });
    try {
      const { token } = await services.sessions.login(form.value);
      setSessionCookie(reply, config, token);
      return seeOther(reply, next);
    } catch (err) {
      const status = err instanceof AppError ? HTTP_STATUS[err.code] : 400;
      return render(reply, <LoginPage next={next} errors={formErrors(err)} values={form.values} />, {
        status,
      });
    }
  });
}

/** Sign-out and the password change: behind sign-in. */
export async function sessionRoutes(app: FastifyInstance, services: Services, config: Config): Promise<void> {
  app.post("/logout", async (request, reply) => {
    await services.sessions.logout(request.ctx, request.cookieSession!);
    reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(config));
    flash(reply, "success", "You have signed out.");
    return seeOther(reply, "/login");
  });

  app.get("/account/password", async (_request, reply) => render(reply, <PasswordPage />));

  app.post("/account/password", async (request, reply) => {
    const form = parseForm(PasswordForm, request.body);
    if (!form.ok) return render(reply, <PasswordPage errors={form.errors} />, { status: 400 });
    const { currentPassword, newPassword, confirmPassword } = form.value;
    if (newPassword !== confirmPassword)
      return render(
        reply,
        <PasswordPage
          errors={{
            form: [],
            fields: { confirmPassword: "Does not match the new password; type it again." },
          }}
        />,
        { status: 400 },
      );
    try {
      await services.users.changePassword(
        request.ctx,
        { currentPassword, newPassword },
        request.cookieSession!.id,
      );
    } catch (err) {
      const status = err instanceof AppError ? HTTP_STATUS[err.code] : 400;
      const errors = formErrors(err, ["currentPassword", "newPassword"]);
      return render(reply, <PasswordPage errors={errors} />, { status });
    }
    flash(reply, "success", "Your password was changed. Your other sessions were signed out.");
    return seeOther(reply, "/account");
  });
}
