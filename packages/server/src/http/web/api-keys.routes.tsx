/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Config } from "../../config/config.ts";
import { type AppError, notFound } from "../../domain/errors.ts";
import type { Services } from "../../services/index.ts";
import { HTTP_STATUS } from "../errors.ts";
import { ApiKeysPage, RevokeApiKeyPage } from "./api-keys.pages.tsx";
import { NewApiKeyForm } from "./api-keys.schema.ts";
import { sendCsv } from "./csv.ts";
import { flash } from "./flash.ts";
import { formErrors, parseForm } from "./forms.ts";
import { render, seeOther } from "./render.tsx";

type WithId = FastifyRequest<{ Params: { id: string } }>;

/** The signed-in user's API keys: list, create (the secret shown once), revoke, CSV export. */
export async function apiKeysRoutes(
  app: FastifyInstance,
  services: Services,
  _config: Config,
): Promise<void> {
  /** One of the user's own keys, or 404 as for a key that does not exist. */
  async function ownKey(request: WithId) {
    const key = (await services.apiKeys.listOwn(request.ctx)).find((k) => k.id === request.params.id);
    if (!key) throw notFound("API key", request.params.id);
    return key;
  }

  app.get("/api-keys", async (request, reply) =>
    render(reply, <ApiKeysPage keys={await services.apiKeys.listOwn(request.ctx)} />),
  );

  app.get("/api-keys.csv", async (request, reply) => {
    const keys = await services.apiKeys.listOwn(request.ctx);
    return sendCsv(
      reply,
      "api-keys.csv",
      ["name", "prefix", "createdAt", "lastUsedAt", "revokedAt"],
      async () => ({
        rows: keys.map((k) => [k.name, k.prefix, k.createdAt, k.lastUsedAt, k.revokedAt]),
        next: null,
      }),
    );
  });

  // The secret is in this answer only: not in a redirect, a URL or a flash cookie. render()
  // marks the page no-store, and after a boosted post the address stays /api-keys.
  app.post("/api-keys", async (request, reply) => {
    const form = parseForm(NewApiKeyForm, request.body);
    if (!form.ok) {
      const keys = await services.apiKeys.listOwn(request.ctx);
      return render(reply, <ApiKeysPage keys={keys} form={form} />, { status: 400 });
    }
    try {
      const created = await services.apiKeys.create(request.ctx, { name: form.value.name });
      const keys = await services.apiKeys.listOwn(request.ctx);
      return render(reply, <ApiKeysPage keys={keys} created={created} />, { status: 201 });
    } catch (err) {
      const errors = formErrors(err, ["name"]);
      const keys = await services.apiKeys.listOwn(request.ctx);
      return render(reply, <ApiKeysPage keys={keys} form={{ errors, values: form.values }} />, {
        status: HTTP_STATUS[(err as AppError).code],
      });
    }
  });

  app.get("/api-keys/:id/revoke", async (request: WithId, reply) => {
    const key = await ownKey(request);
    if (key.revokedAt) {
      flash(reply, "info", `The key “${key.name}” is already revoked.`);
      return seeOther(reply, "/api-keys");
    }
    return render(reply, <RevokeApiKeyPage apiKey={key} />);
  });

  app.post("/api-keys/:id/revoke", async (request: WithId, reply) => {
    const key = await ownKey(request);
    await services.apiKeys.revoke(request.ctx, key.id);
    flash(reply, "success", `The key “${key.name}” was revoked: programs using it are refused from now on.`);
    return seeOther(reply, "/api-keys");
  });
}
