/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Static } from "typebox";
import type { Config } from "../../config/config.ts";
import { addDuration, isIsoDate } from "../../domain/dates.ts";
import { AppError, ErrorCode } from "../../domain/errors.ts";
import type { AuditQuery } from "../../services/audit.service.ts";
import type { Services } from "../../services/index.ts";
import { HTTP_STATUS } from "../errors.ts";
import { AuditPage, actorText, entityHref } from "./audit.pages.tsx";
import { AuditFilters } from "./audit.schema.ts";
import { sendCsv } from "./csv.ts";
import { type FormErrors, formErrors, parseForm } from "./forms.ts";
import type { ListQuery } from "./lists.tsx";
import { isAdmin } from "./nav.ts";
import { render } from "./render.tsx";

/** Events per page. */
const PAGE = 50;
/** Events per query of the CSV export. */
const CSV_PAGE = 500;

/** The filters as the service takes them; the last day is included, so `to` is the next midnight. */
function toQuery(f: Static<typeof AuditFilters>): Omit<AuditQuery, "limit" | "cursor"> {
  const actor = f.actor || undefined;
  return {
    action: f.action || undefined,
    entityType: f.entityType || undefined,
    entityId: f.entityId || undefined,
    actorEmail: actor?.includes("@") ? actor : undefined,
    actorId: actor && !actor.includes("@") ? actor : undefined,
    from: f.from ? `${f.from}T00:00:00.000Z` : undefined,
    to: f.to ? `${addDuration(f.to, { years: 0, months: 0, days: 1 })}T00:00:00.000Z` : undefined,
    newestFirst: true,
  };
}

/** Parses the filters; a day that does not exist (2026-02-30) is refused like a malformed one. */
function parseFilters(query: ListQuery) {
  const form = parseForm(AuditFilters, query);
  if (!form.ok) return form;
  const fields: Record<string, string> = {};
  for (const key of ["from", "to"] as const) {
    const day = form.value[key];
    if (day && !isIsoDate(day)) fields[key] = "Use a date that exists, YYYY-MM-DD.";
  }
  if (Object.keys(fields).length)
    return { ok: false as const, errors: { fields, form: [] }, values: form.values };
  return form;
}

/** The audit log: ISV admins all of it, admins their subtree (the service decides), and its CSV. */
export async function auditRoutes(app: FastifyInstance, services: Services, _config: Config): Promise<void> {
  await app.register(async (audit) => auditPages(audit, services));
}

async function auditPages(app: FastifyInstance, services: Services): Promise<void> {
  // Who may read the log is the service's rule (AuditService.list); this early exit uses the
  // predicate the navigation offers "Audit log" with (isAdmin), so a person without the page
  // gets "Not allowed" before the filters are read, never a 400 about a filter of a page they
  // may not open. The service still checks every read.
  app.addHook("preHandler", async (request) => {
    if (!request.viewer || !isAdmin(request.viewer))
      throw new AppError(ErrorCode.FORBIDDEN, "only admins may read the audit log", { required: "admin" });
  });

  /** The page with the filters' errors and no events: a filter that cannot be read shows nothing. */
  function refused(
    request: FastifyRequest<{ Querystring: ListQuery }>,
    reply: FastifyReply,
    errors: FormErrors,
  ) {
    const values = parseFilters(request.query).values;
    return render(
      reply,
      <AuditPage
        events={[]}
        nextCursor={null}
        query={values}
        errors={errors}
        values={values}
        isIsvAdmin={request.viewer!.user.isIsvAdmin}
      />,
      { status: 400 },
    );
  }

  app.get("/audit", async (request: FastifyRequest<{ Querystring: ListQuery }>, reply) => {
    const form = parseFilters(request.query);
    if (!form.ok) return refused(request, reply, form.errors);
    try {
      const events = await services.audit.list(request.ctx, {
        ...toQuery(form.value),
        cursor: form.value.cursor ? Number(form.value.cursor) : undefined,
        limit: PAGE,
      });
      return render(
        reply,
        <AuditPage
          events={events.data}
          nextCursor={events.nextCursor}
          query={form.values}
          values={form.values}
          isIsvAdmin={request.viewer!.user.isIsvAdmin}
        />,
      );
    } catch (err) {
      if (!(err instanceof AppError) || HTTP_STATUS[err.code] !== 400) throw err;
      return refused(request, reply, formErrors(err, ["from", "to"]));
    }
  });

  app.get("/audit.csv", async (request: FastifyRequest<{ Querystring: ListQuery }>, reply) => {
    const form = parseFilters(request.query);
    if (!form.ok) return refused(request, reply, form.errors);
    const query = toQuery(form.value);
    const isIsvAdmin = request.viewer!.user.isIsvAdmin;
    return sendCsv(
      reply,
      "audit-log.csv",
      [
        "seq",
        "at",
        "actor",
        "actorType",
        "actorId",
        "channel",
        "action",
        "entityType",
        "entityId",
        "entityPage",
        "before",
        "after",
      ],
      async (cursor: number | undefined) => {
        const events = await services.audit.list(request.ctx, { ...query, cursor, limit: CSV_PAGE });
        return {
          rows: events.data.map((e) => [
            e.seq,
            e.at,
            actorText(e),
            e.actor.type,
            e.actor.id,
            e.channel,
            e.action,
            e.entity.type,
            e.entity.id,
            entityHref(e, isIsvAdmin),
            e.before === null ? null : JSON.stringify(e.before),
            e.after === null ? null : JSON.stringify(e.after),
          ]),
          next: events.nextCursor === null ? null : Number(events.nextCursor),
        };
      },
    );
  });
}
