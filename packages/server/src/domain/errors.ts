/** Stable error codes. Every service failure carries one; `http/errors.ts` maps them to HTTP statuses. */
export enum ErrorCode {
  /** A request body, query or header broke a schema or a domain rule; `details` names the field. */
  VALIDATION_FAILED = "VALIDATION_FAILED",
  /** No credentials, or credentials that do not match an enabled API key. */
  UNAUTHENTICATED = "UNAUTHENTICATED",
  /** The caller is known but lacks the right for this operation. */
  FORBIDDEN = "FORBIDDEN",
  /** The resource does not exist or is not visible to the caller. */
  NOT_FOUND = "NOT_FOUND",
  /** A ticket does not match any order. Deliberately says nothing more. */
  TICKET_NOT_FOUND = "TICKET_NOT_FOUND",
  /** A product with this code already exists. */
  PRODUCT_CODE_TAKEN = "PRODUCT_CODE_TAKEN",
  /** The product is archived: no new orders may use it. */
  PRODUCT_ARCHIVED = "PRODUCT_ARCHIVED",
  /** An order with this external order number exists and the new request differs from it. */
  ORDER_CONFLICT = "ORDER_CONFLICT",
  /** An Idempotency-Key was reused with a different request. */
  IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED",
  /** A request with the same Idempotency-Key is still being processed. */
  IDEMPOTENCY_IN_PROGRESS = "IDEMPOTENCY_IN_PROGRESS",
  /** The license is revoked: it cannot be activated, refreshed or modified. */
  LICENSE_REVOKED = "LICENSE_REVOKED",
  /** The license's expiry date has passed: it cannot be activated. */
  LICENSE_EXPIRED = "LICENSE_EXPIRED",
  /** The license has been activated at least once, so it can only be revoked, not deleted. */
  LICENSE_ACTIVATED = "LICENSE_ACTIVATED",
  /** A modification named the version it was based on, and the license has changed since. */
  LICENSE_CHANGED = "LICENSE_CHANGED",
  /** Every seat of the license is taken by an active activation. */
  NO_SEATS_AVAILABLE = "NO_SEATS_AVAILABLE",
  /** The activation was returned: it can no longer be refreshed. */
  ACTIVATION_RETURNED = "ACTIVATION_RETURNED",
  /** The signing key cannot be retired or rotated in its current state. */
  KEY_STATE = "KEY_STATE",
  /** A group still has subgroups, users or orders and cannot be deleted. */
  GROUP_NOT_EMPTY = "GROUP_NOT_EMPTY",
  /** A group cannot move under itself or its own descendants. */
  GROUP_CYCLE = "GROUP_CYCLE",
  /** Another user has this email address (compared case-insensitively). */
  EMAIL_TAKEN = "EMAIL_TAKEN",
  /** Email or password is wrong (deliberately not saying which). */
  LOGIN_FAILED = "LOGIN_FAILED",
  /** Too many failed logins: the account waits before the next attempt. */
  LOGIN_LOCKED = "LOGIN_LOCKED",
  /** The change would leave the installation without an enabled ISV admin. */
  LAST_ISV_ADMIN = "LAST_ISV_ADMIN",
  /** A cookie-authenticated write without the session's CSRF token. */
  CSRF_FAILED = "CSRF_FAILED",
  /** A category name is taken (compared case-insensitively). */
  CATEGORY_NAME_TAKEN = "CATEGORY_NAME_TAKEN",
  /** A category is still remembered by licenses and cannot be deleted. */
  CATEGORY_IN_USE = "CATEGORY_IN_USE",
  /** A data field value is already used by another order and the field is unique. */
  DATA_FIELD_TAKEN = "DATA_FIELD_TAKEN",
  /** The subscription has ended: it can no longer be cancelled, nor its cancellation withdrawn. */
  SUBSCRIPTION_ENDED = "SUBSCRIPTION_ENDED",
  /** A withdrawal for a subscription that is not cancelled. */
  SUBSCRIPTION_NOT_CANCELLED = "SUBSCRIPTION_NOT_CANCELLED",
  /** A withdrawal after the cancellation deadline: the subscription ends on its end date. */
  CANCELLATION_DEADLINE_PASSED = "CANCELLATION_DEADLINE_PASSED",
  /** Too many requests from this client; retry after the indicated time. */
  RATE_LIMITED = "RATE_LIMITED",
  /** An unexpected server failure; the log has the details. */
  INTERNAL = "INTERNAL",
}

/** One violated rule of a request, naming the field by its path. */
export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `items.0.parameters.expiresAt`. */
  field: string;
  /** The rule that was broken and what is allowed. */
  message: string;
}

/** The only exception services throw. Routes, SOAP and pages translate it; nothing else. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** A VALIDATION_FAILED error for one or more fields; the message lists them all. */
export function invalid(issues: FieldIssue[]): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, issues.map((i) => `${i.field}: ${i.message}`).join("; "), {
    issues,
  });
}

export function notFound(what: string, id: string | number): AppError {
  return new AppError(ErrorCode.NOT_FOUND, `${what} ${id} does not exist`, { resource: what, id });
}
