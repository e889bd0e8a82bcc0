/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Static } from "typebox";
import type { Config } from "../../config/config.ts";
import { AppError, ErrorCode } from "../../domain/errors.ts";
import type { Ctx } from "../../services/context.ts";
import type { Services } from "../../services/index.ts";
import type { TicketView } from "../../services/ticket.service.ts";
import { OfflineRequestBody } from "../api/activations.schema.ts";
import { HTTP_STATUS } from "../errors.ts";
import { validatorCompiler } from "../validators.ts";
import { DepotPage, type DepotPageProps, type FormAgain } from "./depot.pages.tsx";
import { ActivateForm, OfflineForm, TicketForm } from "./depot.schema.ts";
import { flash } from "./flash.ts";
import { formErrors, parseForm, sentence } from "./forms.ts";
import { render, seeOther } from "./render.tsx";

/** Who acts in the depot: a ticket holder, recorded in the audit log as a customer of channel `depot`. */
export const DEPOT_CTX: Ctx = {
  actor: {
    type: "customer",
    id: null,
    userId: null,
    groupId: null,
    groupPath: null,
    isAdmin: false,
    isIsvAdmin: false,
  },
  channel: "depot",
};

/**
 * Holds the entered ticket while the customer works in the depot: HttpOnly, SameSite=Strict,
 * only sent to /depot, for an hour. Its value is a bearer secret like the session cookie's; it
 * never appears in a URL, so it never reaches logs or the browser history.
 */
export const DEPOT_COOKIE = "licentra_depot";
const DEPOT_COOKIE_SECONDS = 60 * 60;

const checkOfflineRequest = validatorCompiler({
  schema: OfflineRequestBody,
  method: "POST",
  url: "/depot/offline",
  httpPart: "body",
}) as (value: unknown) => boolean;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The depot of end customers: ticket entry, online and file-based activation, return, downloads. */
export async function depotRoutes(app: FastifyInstance, services: Services, config: Config): Promise<void> {
  const cookieOptions = {
    path: "/depot",
    httpOnly: true,
    sameSite: "strict" as const,
    secure: config.publicUrl.startsWith("https:"),
  };
  // Every route that takes a ticket counts against the ticket limit, the cookie included:
  // otherwise the cookie would be a way to guess tickets without limit. Counted in the
  // database (`shared`), like GET /api/v1/tickets, so more server processes give no more guesses.
  const ticketLimit = {
    rateLimit: { max: config.rateLimitTickets, timeWindow: 60_000, shared: true } as object,
  };
  const activationLimit = { rateLimit: { max: config.rateLimitActivations, timeWindow: 60_000 } };

  const ticketOf = (request: FastifyRequest) => request.cookies[DEPOT_COOKIE] || null;
  const forget = (reply: FastifyReply) => reply.clearCookie(DEPOT_COOKIE, cookieOptions);

  /** The order of the cookie's ticket, or null (and the cookie dropped) when there is none. */
  async function currentView(request: FastifyRequest, reply: FastifyReply): Promise<TicketView | null> {
    const ticket = ticketOf(request);
    if (!ticket) return null;
    try {
      return await services.tickets.lookup(ticket);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== ErrorCode.TICKET_NOT_FOUND) throw err;
      forget(reply);
      return null;
    }
  }

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    props: Omit<DepotPageProps, "view">,
    status = 200,
  ) {
    return render(reply, <DepotPage view={await currentView(request, reply)} {...props} />, { status });
  }

  /** Sends a license file as a download. */
  function sendLicenseFile(reply: FastifyReply, licenseId: string, file: string) {
    return reply
      .header("content-type", "application/jwt")
      .header("content-disposition", `attachment; filename="license-${licenseId}.lic"`)
      .header("cache-control", "no-store")
      .send(`${file}\n`);
  }

  /** A failed action on an activation: back to the depot, saying why. */
  function failed(reply: FastifyReply, err: unknown) {
    if (!(err instanceof AppError)) throw err;
    if (err.code === ErrorCode.TICKET_NOT_FOUND) forget(reply);
    flash(reply, "error", sentence(err.message));
    return seeOther(reply, "/depot");
  }

  app.get("/depot", { config: ticketLimit }, async (request, reply) => page(request, reply, {}));

  app.post("/depot", { config: ticketLimit }, async (request, reply) => {
    const form = parseForm(TicketForm, request.body);
    if (!form.ok) return page(request, reply, { ticketForm: form }, 400);
    try {
      const view = await services.tickets.lookup(form.value.ticket);
      reply.setCookie(DEPOT_COOKIE, view.ticket, { ...cookieOptions, maxAge: DEPOT_COOKIE_SECONDS });
      return seeOther(reply, "/depot");
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== ErrorCode.TICKET_NOT_FOUND) throw err;
      // The same words for a mistyped and an unknown ticket: nothing is revealed.
      const errors = {
        form: [],
        fields: { ticket: "No order matches this ticket. Check it and try again." },
      };
      return render(reply, <DepotPage view={null} ticketForm={{ errors, values: form.values }} />, {
        status: 404,
      });
    }
  });

  app.post("/depot/leave", async (_request, reply) => {
    forget(reply);
    flash(reply, "info", "The ticket was removed from this browser.");
    return seeOther(reply, "/depot");
  });

  app.post("/depot/activate", { config: activationLimit }, async (request, reply) => {
    const ticket = ticketOf(request);
    if (!ticket) {
      flash(reply, "error", "Enter your ticket first: this browser no longer holds it.");
      return seeOther(reply, "/depot");
    }
    const form = parseForm(ActivateForm, request.body);
    const licenseId = typeof form.values.license === "string" ? form.values.license : "";
    if (!form.ok) return page(request, reply, { activation: { ...form, licenseId } }, 400);
    try {
      const { activation, created } = await services.activations.activate(DEPOT_CTX, {
        ticket,
        license: form.value.license,
        fingerprint: form.value.fingerprint,
        deviceName: form.value.deviceName,
      });
      flash(
        reply,
        "success",
        created
          ? `“${activation.deviceName}” is activated. Download its license file and copy it to the device.`
          : `This device already holds an activation of the license, as “${activation.deviceName}”; download its license file below.`,
      );
      return seeOther(reply, "/depot");
    } catch (err) {
      if (err instanceof AppError && err.code === ErrorCode.TICKET_NOT_FOUND) return failed(reply, err);
      const errors = formErrors(err, { fingerprint: "fingerprint", deviceName: "deviceName" });
      const status = err instanceof AppError ? HTTP_STATUS[err.code] : 400;
      return page(request, reply, { activation: { errors, values: form.values, licenseId } }, status);
    }
  });

  app.post<{ Params: { id: string } }>(
    "/depot/activations/:id/return",
    { config: activationLimit },
    async (request, reply) => {
      const ticket = ticketOf(request);
      if (!ticket) return seeOther(reply, "/depot");
      try {
        const activation = await services.activations.return(DEPOT_CTX, request.params.id, { ticket });
        flash(reply, "success", `“${activation.deviceName}” was returned: its seat is free again.`);
        return seeOther(reply, "/depot");
      } catch (err) {
        return failed(reply, err);
      }
    },
  );

  app.post<{ Params: { id: string } }>(
    "/depot/activations/:id/license-file",
    { config: activationLimit },
    async (request, reply) => {
      const ticket = ticketOf(request);
      if (!ticket) return seeOther(reply, "/depot");
      try {
        // A fresh file with the license's current values: after a modification or a renewal
        // this is how the customer gets them onto an offline device.
        const r = await services.activations.refresh(DEPOT_CTX, request.params.id, { ticket });
        return sendLicenseFile(reply, r.activation.licenseId, r.licenseFile);
      } catch (err) {
        return failed(reply, err);
      }
    },
  );

  app.post("/depot/offline", { config: activationLimit }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const form = parseForm(OfflineForm, body);
    const again = (offline: FormAgain, status: number) => page(request, reply, { offline }, status);
    if (!form.ok) return again(form, 400);
    const file = Buffer.isBuffer(body.requestFile) ? body.requestFile.toString("utf8").trim() : "";
    const text = form.value.requestText ?? "";
    const field = file || !text ? "requestFile" : "requestText";
    const wrong = (message: string) =>
      again({ errors: { form: [], fields: { [field]: message } }, values: form.values }, 400);
    if (!file && !text) return wrong("Choose the request file, or paste its content below.");
    const parsed = parseJson(file || text);
    if (parsed === undefined) return wrong("This is not an activation request file: it is not JSON.");
    if (!checkOfflineRequest(parsed))
      return wrong(
        "This is not a Licentra activation request file: it needs type “licentra-activation-request”, version 1, a ticket, a fingerprint and a device name.",
      );
    const { type: _t, version: _v, createdAt: _c, ...input } = parsed as Static<typeof OfflineRequestBody>;
    try {
      const r = await services.activations.activate(DEPOT_CTX, input);
      return sendLicenseFile(reply, r.activation.licenseId, r.licenseFile);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const message =
        err.code === ErrorCode.TICKET_NOT_FOUND
          ? "The ticket in this request file matches no order."
          : sentence(err.message);
      return again({ errors: { fields: {}, form: [message] }, values: form.values }, HTTP_STATUS[err.code]);
    }
  });
}
