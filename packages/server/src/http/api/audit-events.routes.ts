import { Type } from "typebox";
import type { Services } from "../../services/index.ts";
import type { App } from "../app.ts";
import { errors, Page } from "./common.schema.ts";

const AuditEvent = Type.Object({
  id: Type.String(),
  seq: Type.Integer({ description: "Position in the append-only log" }),
  at: Type.String(),
  actor: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
  channel: Type.String(),
  action: Type.String({ description: "e.g. order.created, license.revoked, activation.created" }),
  entity: Type.Object({ type: Type.String(), id: Type.String() }),
  before: Type.Unknown(),
  after: Type.Unknown(),
});

const AuditQuery = Type.Object(
  {
    entityType: Type.Optional(Type.String({ maxLength: 50 })),
    entityId: Type.Optional(Type.String({ maxLength: 100 })),
    action: Type.Optional(Type.String({ maxLength: 100 })),
    actorId: Type.Optional(Type.String({ maxLength: 100 })),
    from: Type.Optional(Type.String({ format: "date-time" })),
    to: Type.Optional(Type.String({ format: "date-time" })),
    cursor: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);

export async function auditRoutes(app: App, services: Services): Promise<void> {
  app.get(
    "/api/v1/audit-events",
    {
      config: { auth: "apiKey" },
      schema: {
        tags: ["audit"],
        security: [{ apiKey: [] }],
        summary: "Read the audit log",
        description: "Every change, oldest first: who, through which channel, what, before and after.",
        querystring: AuditQuery,
        response: { 200: Page(AuditEvent), ...errors(400, 401, 403) },
      },
    },
    async (request) => services.audit.list(request.ctx, request.query),
  );
}
