/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Static } from "typebox";
import type { Config } from "../../config/config.ts";
import { AppError, ErrorCode, invalid, notFound } from "../../domain/errors.ts";
import type { Right } from "../../domain/rights.ts";
import type { Services } from "../../services/index.ts";
import type { LicenseQuery, LicenseSummary } from "../../services/license.service.ts";
import { HTTP_STATUS } from "../errors.ts";
import { sendCsv } from "./csv.ts";
import { flash } from "./flash.ts";
import { type FormErrors, type FormValues, formErrors, sentence } from "./forms.ts";
import {
  ConfirmPage,
  customerLine,
  holdsRightOn,
  LicensePage,
  type LicensePageProps,
  LicensesPage,
} from "./licenses.pages.tsx";
import { editable, type LicenseFilters, parseFilters, readModifyForm } from "./licenses.schema.ts";
import type { ListQuery } from "./lists.tsx";
import { render, seeOther } from "./render.tsx";

/** Rows per page of the list; the CSV export reads the whole list in pages of `CSV_PAGE`. */
const PAGE_SIZE = 25;
const CSV_PAGE = 500;

type Filters = Static<typeof LicenseFilters>;
type IdParams = { Params: { id: string } };

/** The list filters as the service takes them; days are whole UTC days, the end day included. */
function licenseQuery(f: Filters): Omit<LicenseQuery, "limit"> {
  const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString();
  return {
    product: f.product ? Number(f.product) : undefined,
    state: f.state || undefined,
    category: f.category || undefined,
    order: f.order || undefined,
    customer: f.customer || undefined,
    createdFrom: f.createdFrom ? `${f.createdFrom}T00:00:00.000Z` : undefined,
    createdTo: f.createdTo ? nextDay(f.createdTo) : undefined,
    cursor: f.cursor || undefined,
    sort: "-createdAt",
  };
}

const CSV_HEADER = [
  "License",
  "Product code",
  "Product",
  "Customer company",
  "Customer name",
  "Customer email",
  "Order",
  "External order number",
  "Category",
  "State",
  "Seats used",
  "Seats",
  "Expires",
  "Maintenance until",
  "Version",
  "Created",
];

/** Licenses: list, detail, modify, revoke, delete, subscription cancel and withdraw. */
export async function licensesRoutes(
  app: FastifyInstance,
  services: Services,
  _config: Config,
): Promise<void> {
  /** The categories the viewer holds rights on (ISV admins: all), by id. */
  const categoriesOf = (request: FastifyRequest) =>
    new Map(request.viewer!.rights.map((r) => [r.category.id, r.category.name]));

  async function listPage(request: FastifyRequest, reply: FastifyReply) {
    // A filter sent twice (`?state=active&state=revoked`) is refused with 400, next to the field.
    const form = parseFilters(request.query);
    // The filters as given, known ones only: shown again in the form, kept by the pager.
    const query: ListQuery = form.values;
    const products = (await services.products.list({ limit: 500 })).data;
    const categories = [...categoriesOf(request)].map(([id, name]) => ({ id, name }));
    const props = { query, products, categories };
    if (!form.ok)
      return render(
        reply,
        <LicensesPage {...props} filterErrors={form.errors} licenses={[]} nextCursor={null} />,
        { status: 400 },
      );
    const page = await services.licenses.summaries(request.ctx, {
      ...licenseQuery(form.value),
      limit: PAGE_SIZE,
    });
    return render(reply, <LicensesPage {...props} licenses={page.data} nextCursor={page.nextCursor} />);
  }

  app.get("/licenses", listPage);

  app.get("/licenses.csv", async (request, reply) => {
    const form = parseFilters(request.query);
    if (!form.ok)
      throw invalid(Object.entries(form.errors.fields).map(([field, message]) => ({ field, message })));
    const names = categoriesOf(request);
    const row = (l: LicenseSummary) => [
      l.id,
      l.product.code,
      l.product.name,
      l.customer?.company,
      l.customer?.name,
      l.customer?.email,
      l.orderId,
      l.externalOrderNumber,
      l.categoryId === null ? "" : (names.get(l.categoryId) ?? l.categoryId),
      l.state,
      l.activeSeats,
      l.seats,
      l.expiresAt,
      l.maintenanceUntil,
      l.version,
      l.createdAt,
    ];
    const q = licenseQuery({ ...form.value, cursor: undefined });
    return sendCsv<string>(reply, "licenses.csv", CSV_HEADER, async (cursor) => {
      const page = await services.licenses.summaries(request.ctx, { ...q, cursor, limit: CSV_PAGE });
      return { rows: page.data.map(row), next: page.nextCursor };
    });
  });

  /** Everything the license page shows, read as the viewer. */
  async function licenseProps(request: FastifyRequest, id: string): Promise<LicensePageProps> {
    const ctx = request.ctx;
    const license = await services.licenses.detail(ctx, id);
    const [order, parameters, history, subscriptions] = await Promise.all([
      services.orders.get(ctx, license.orderId),
      services.licenses.modifiable(ctx, id),
      services.licenses.history(ctx, id),
      services.subscriptions.list(ctx, { license: id, limit: 1 }),
    ]);
    const first = subscriptions.data[0];
    return {
      license,
      order,
      categoryName:
        license.categoryId === null ? null : (categoriesOf(request).get(license.categoryId) ?? null),
      parameters,
      history,
      subscription: first ? await services.subscriptions.get(ctx, first.id) : null,
    };
  }

  app.get<IdParams>("/licenses/:id", async (request, reply) =>
    render(reply, <LicensePage {...(await licenseProps(request, request.params.id))} />),
  );

  app.post<IdParams>("/licenses/:id/modify", async (request, reply) => {
    const { id } = request.params;
    const parameters = await services.licenses.modifiable(request.ctx, id);
    const form = readModifyForm(parameters, request.body);
    const body = (request.body ?? {}) as Record<string, unknown>;
    // The features as ticked, to show the form again as it was sent (none ticked: none sent).
    const chosen: Record<string, string[]> = {};
    for (const p of editable(parameters))
      if (p.input === "features") {
        const v = body[p.definition.key];
        chosen[p.definition.key] = (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
      }
    const again = async (errors: FormErrors, values: FormValues, status: number) =>
      render(
        reply,
        <LicensePage {...(await licenseProps(request, id))} modify={{ errors, values, chosen }} />,
        {
          status,
        },
      );
    if (!form.ok) return again(form.errors, form.values, 400);
    if (!Object.keys(form.changes).length) {
      flash(reply, "info", "No value was changed, so the license stays as it was.");
      return seeOther(reply, `/licenses/${id}`);
    }
    try {
      const license = await services.licenses.modify(request.ctx, id, form.changes, form.version);
      flash(reply, "success", `The license was modified: it is now at version ${license.version}.`);
      return seeOther(reply, `/licenses/${id}`);
    } catch (err) {
      if (err instanceof AppError && err.code === ErrorCode.LICENSE_CHANGED)
        return again(
          {
            fields: {},
            form: [
              `The license changed while you were editing it: it is now at version ${String(err.details.version)}. The values below are yours; the facts above are the license's now. Check them and save again.`,
            ],
          },
          form.values,
          HTTP_STATUS[err.code],
        );
      if (!(err instanceof AppError) || err.code !== ErrorCode.VALIDATION_FAILED) throw err;
      const fields = Object.fromEntries(
        editable(parameters).map((p) => [`parameters.${p.definition.key}`, p.definition.key]),
      );
      return again(formErrors(err, fields), form.values, HTTP_STATUS[err.code]);
    }
  });

  /** Revoke and delete ask first, on a page of their own, so they work without JavaScript. */
  for (const action of ["revoke", "delete"] as const) {
    const right: Right = action;
    app.get<IdParams>(`/licenses/:id/${action}`, async (request, reply) => {
      const license = await services.licenses.detail(request.ctx, request.params.id);
      if (!holdsRightOn(request.viewer!, license.categoryId, right))
        throw new AppError(ErrorCode.FORBIDDEN, `you lack the right "${right}" on this license's category`);
      if (action === "revoke" && license.status === "revoked") {
        flash(reply, "info", "This license is revoked already.");
        return seeOther(reply, `/licenses/${license.id}`);
      }
      if (action === "delete" && license.activated)
        throw new AppError(
          ErrorCode.LICENSE_ACTIVATED,
          "this license has been activated and cannot be deleted; revoke it instead",
        );
      return render(reply, <ConfirmPage license={license} action={action} />);
    });
  }

  app.post<IdParams>("/licenses/:id/revoke", async (request, reply) => {
    const license = await services.licenses.revoke(request.ctx, request.params.id);
    flash(
      reply,
      "success",
      `The ${license.product.name} license is revoked: its activations no longer validate.`,
    );
    return seeOther(reply, `/licenses/${license.id}`);
  });

  app.post<IdParams>("/licenses/:id/delete", async (request, reply) => {
    const license = await services.licenses.detail(request.ctx, request.params.id);
    await services.licenses.delete(request.ctx, license.id);
    const order = await services.orders.get(request.ctx, license.orderId);
    const who = customerLine(order.customer);
    flash(
      reply,
      "success",
      `The ${license.product.name} license${who ? ` of ${who}` : ""} was deleted from its order.`,
    );
    return seeOther(reply, "/licenses");
  });

  /** Cancels or withdraws the cancellation of the license's subscription; the service decides. */
  async function changeSubscription(
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    change: "cancel" | "withdrawCancellation",
  ) {
    const { id } = request.params;
    await services.licenses.detail(request.ctx, id);
    const [subscription] = (await services.subscriptions.list(request.ctx, { license: id, limit: 1 })).data;
    if (!subscription) throw notFound("subscription of license", id);
    try {
      const s = await services.subscriptions[change](request.ctx, subscription.id);
      flash(
        reply,
        "success",
        change === "cancel"
          ? `The subscription is cancelled: it ends on ${s.endDate}. The cancellation can be withdrawn until ${s.cancellationDeadline}.`
          : `The cancellation is withdrawn: the subscription renews unless it is cancelled by ${s.cancellationDeadline}.`,
      );
    } catch (err) {
      // Refusals for want of a right or visibility are error pages; a subscription whose state
      // no longer allows the change goes back to the license, saying why.
      if (!(err instanceof AppError) || [ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND].includes(err.code))
        throw err;
      flash(reply, "error", sentence(err.message));
    }
    return seeOther(reply, `/licenses/${id}#subscription`);
  }

  app.post<IdParams>("/licenses/:id/subscription/cancel", (request, reply) =>
    changeSubscription(request, reply, "cancel"),
  );
  app.post<IdParams>("/licenses/:id/subscription/withdraw", (request, reply) =>
    changeSubscription(request, reply, "withdrawCancellation"),
  );
}
