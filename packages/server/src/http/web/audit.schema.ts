import { Type } from "typebox";

/** A day, or empty: a GET form sends its empty fields too. */
const DAY = "^(\\d{4}-\\d{2}-\\d{2})?$";

/** The audit log's filters (a GET form), as the page and its CSV export receive them. */
export const AuditFilters = Type.Object({
  /** An action, exactly, e.g. `license.revoked`. */
  action: Type.Optional(Type.String({ maxLength: 100 })),
  /** The kind of thing changed: `order`, `license`, `user`… */
  entityType: Type.Optional(Type.String({ maxLength: 50 })),
  /** The id of the thing changed. */
  entityId: Type.Optional(Type.String({ maxLength: 100 })),
  /** Who acted: a user's email (signed in or through its API keys) or an actor id. */
  actor: Type.Optional(Type.String({ maxLength: 254 })),
  /** First day (UTC), included. */
  from: Type.Optional(Type.String({ pattern: DAY, errorMessage: "Use a date, YYYY-MM-DD." })),
  /** Last day (UTC), included. */
  to: Type.Optional(Type.String({ pattern: DAY, errorMessage: "Use a date, YYYY-MM-DD." })),
  /** The `seq` of the last event of the previous page. */
  cursor: Type.Optional(
    Type.String({ pattern: "^\\d{0,15}$", errorMessage: "Start again from the first page." }),
  ),
});
