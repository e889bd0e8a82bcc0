import { Type } from "typebox";
import type { Services } from "../../services/index.ts";
import type { App } from "../app.ts";
import { errors, Page } from "./common.schema.ts";

const AuditEvent = Type.Object(
  {
    id: Type.String(),
    seq: Type.Integer({ description: "Position in the append-only log" }),
    at: Type.String(),
    actor: Type.Object(
      { type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) },
      { description: "Who acted: user, api_key, customer (ticket holder), job or system" },
    ),
    channel: Type.String({ description: "console, portal, api, soap, depot, job or cli" }),
    action: Type.String({ description: "e.g. order.created, license.revoked, activation.created" }),
    entity: Type.Object({ type: Type.String(), id: Type.String() }),
    before: Type.Unknown({ description: "The entity before the change; null for creations" }),
    after: Type.Unknown({ description: "The entity after the change; null for deletions" }),
  },
  {
    examples: [
      {
        id: "01a229bb-2f6a-7000-9c1d-4be2a7c3d9e1",
        seq: 42,
        at: "2026-11-29T12:30:00.000Z",
        actor: { type: "api_key", id: "01a229ba-84d8-7002-8e4f-1c2d3e4f5a6b" },
        channel: "api",
        action: "license.revoked",
        entity: { type: "license", id: "01a229ba-e170-7001-a50d-d1af05d6b6c6" },
        before: { id: "01a229ba-e170-7001-a50d-d1af05d6b6c6", status: "active", version: 1 },
        after: { id: "01a229ba-e170-7001-a50d-d1af05d6b6c6", status: "revoked", version: 1 },
      },
    ],
  },
);

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
        description:
          "Every change, oldest first: who, through which channel, what, before and after. ISV admins read every event; the admins of other groups read the events of their group's subtree (events without a group, such as catalog changes, are the vendor's); other users are refused.",
        querystring: AuditQuery,
        response: { 200: Page(AuditEvent), ...errors(400, 401, 403) },
      },
    },
    async (request) => services.audit.list(request.ctx, request.query),
  );
}
