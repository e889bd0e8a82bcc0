import type { Config } from "../../config/config.ts";
import { AppError, ErrorCode } from "../../domain/errors.ts";
import type { Services } from "../../services/index.ts";
import type { App } from "../app.ts";
import {
  ActivateBody,
  ActivationAnswer,
  OfflineRequestBody,
  ProofBody,
  TicketParams,
  ValidateAnswer,
  ValidateBody,
} from "./activations.schema.ts";
import { errors, IdempotencyHeader } from "./common.schema.ts";
import { IdParams } from "./orders.schema.ts";

const tags = ["activation"];

/** Routes the vendor's software and the depot call: authenticated by ticket or license file, rate-limited. */
export async function activationRoutes(app: App, services: Services, config: Config): Promise<void> {
  const limited = { rateLimit: { max: config.rateLimitActivations, timeWindow: 60_000 } };

  app.post(
    "/api/v1/activations",
    {
      config: limited,
      schema: {
        tags,
        summary: "Activate a license on a device",
        description:
          "Authenticated by the ticket. Binds the license (or the order's license of `productCode`) to the device if a seat is free and returns the signed license file. " +
          "The same device activating again gets its activation back (200).",
        headers: IdempotencyHeader,
        body: ActivateBody,
        response: { 201: ActivationAnswer, 200: ActivationAnswer, ...errors(400, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const r = await services.activations.activate(request.ctx, request.body);
      return reply
        .status(r.created ? 201 : 200)
        .send({ activation: r.activation, licenseFile: r.licenseFile });
    },
  );

  app.post(
    "/api/v1/activations/offline",
    {
      config: limited,
      schema: {
        tags,
        summary: "Answer an offline activation request file",
        description:
          "Upload the request file the SDK wrote on a machine without network access; the answer carries the license file to copy back. " +
          "With `?download=true` the answer is the license file itself, as an attachment.",
        querystring: {
          type: "object",
          properties: { download: { type: "boolean" } },
          additionalProperties: false,
        },
        body: OfflineRequestBody,
        response: { 201: ActivationAnswer, 200: ActivationAnswer, ...errors(400, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const { type: _t, version: _v, createdAt: _c, ...input } = request.body;
      const r = await services.activations.activate(request.ctx, input);
      if ((request.query as { download?: boolean }).download)
        return reply
          .status(r.created ? 201 : 200)
          .header("content-type", "application/jwt")
          .header("content-disposition", `attachment; filename="license-${r.activation.licenseId}.lic"`)
          .serializer(String as never)
          .send(r.licenseFile as never);
      return reply
        .status(r.created ? 201 : 200)
        .send({ activation: r.activation, licenseFile: r.licenseFile });
    },
  );

  app.post(
    "/api/v1/activations/:id/refresh",
    {
      config: limited,
      schema: {
        tags,
        summary: "Refresh a license file",
        description:
          "A new file with the license's current values (after a modification or renewal) and a new file validity window.",
        params: IdParams,
        body: ProofBody,
        response: { 200: ActivationAnswer, ...errors(400, 401, 404, 409, 429) },
      },
    },
    async (request) => {
      const r = await services.activations.refresh(request.ctx, request.params.id, request.body);
      return { activation: r.activation, licenseFile: r.licenseFile };
    },
  );

  app.post(
    "/api/v1/activations/:id/return",
    {
      config: limited,
      schema: {
        tags,
        summary: "Return an activation (free its seat)",
        params: IdParams,
        headers: IdempotencyHeader,
        body: ProofBody,
        response: {
          200: { type: "object", properties: { activation: { $ref: "Activation#" } } },
          ...errors(400, 401, 404, 429),
        },
      },
    },
    async (request) => ({
      activation: await services.activations.return(request.ctx, request.params.id, request.body),
    }),
  );

  app.post(
    "/api/v1/validate",
    {
      config: limited,
      schema: {
        tags,
        summary: "Validate a license",
        description:
          "By license file, or by license id with the device fingerprint. The outcome is data (200) with the codes of docs/LICENSE-FILE.md, checked against the server's current state.",
        body: ValidateBody,
        response: { 200: ValidateAnswer, ...errors(400, 404, 429) },
      },
    },
    async (request) => {
      const { licenseFile, license, fingerprint, ...scope } = request.body;
      if (licenseFile !== undefined) return services.validation.byFile(licenseFile, fingerprint, scope);
      if (license === undefined || fingerprint === undefined)
        throw new AppError(
          ErrorCode.VALIDATION_FAILED,
          "licenseFile: send a licenseFile, or a license id with a fingerprint",
          {
            issues: [{ field: "licenseFile", message: "send a licenseFile, or license and fingerprint" }],
          },
        );
      return services.validation.byLicense(license, fingerprint, scope);
    },
  );

  app.get(
    "/api/v1/tickets/:ticket",
    {
      config: { rateLimit: { max: config.rateLimitTickets, timeWindow: 60_000, shared: true } as object },
      schema: {
        tags: ["tickets"],
        summary: "Look up a ticket",
        description:
          "For the depot and integrations: the order's licenses and their activations. Rate-limited; a wrong ticket reveals nothing.",
        params: TicketParams,
        ...{ response: errors(404, 429) },
      },
    },
    async (request) => services.tickets.lookup(request.params.ticket),
  );
}
