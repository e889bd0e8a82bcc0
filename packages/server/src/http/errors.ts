import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { AppError, ErrorCode } from "../domain/errors.ts";

/** HTTP status of every error code; the SOAP faults use the same table. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.VALIDATION_FAILED]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.TICKET_NOT_FOUND]: 404,
  [ErrorCode.PRODUCT_CODE_TAKEN]: 409,
  [ErrorCode.PRODUCT_ARCHIVED]: 409,
  [ErrorCode.ORDER_CONFLICT]: 409,
  [ErrorCode.IDEMPOTENCY_KEY_REUSED]: 422,
  [ErrorCode.IDEMPOTENCY_IN_PROGRESS]: 409,
  [ErrorCode.LICENSE_REVOKED]: 409,
  [ErrorCode.LICENSE_EXPIRED]: 409,
  [ErrorCode.LICENSE_ACTIVATED]: 409,
  [ErrorCode.LICENSE_CHANGED]: 409,
  [ErrorCode.NO_SEATS_AVAILABLE]: 409,
  [ErrorCode.ACTIVATION_RETURNED]: 409,
  [ErrorCode.KEY_STATE]: 409,
  [ErrorCode.GROUP_NOT_EMPTY]: 409,
  [ErrorCode.GROUP_CYCLE]: 409,
  [ErrorCode.EMAIL_TAKEN]: 409,
  [ErrorCode.LOGIN_FAILED]: 401,
  [ErrorCode.LOGIN_LOCKED]: 429,
  [ErrorCode.LAST_ISV_ADMIN]: 409,
  [ErrorCode.CSRF_FAILED]: 403,
  [ErrorCode.CATEGORY_NAME_TAKEN]: 409,
  [ErrorCode.CATEGORY_IN_USE]: 409,
  [ErrorCode.DATA_FIELD_TAKEN]: 409,
  [ErrorCode.SUBSCRIPTION_ENDED]: 409,
  [ErrorCode.SUBSCRIPTION_NOT_CANCELLED]: 409,
  [ErrorCode.CANCELLATION_DEADLINE_PASSED]: 409,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.INTERNAL]: 500,
};

export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

export function errorBody(code: string, message: string, details: Record<string, unknown> = {}): ErrorBody {
  return { error: { code, message, details } };
}

/** Turns a schema violation's path (`/items/0/quantity`) into our dotted field names. */
function fieldOf(instancePath: string, params: Record<string, unknown>, part: string): string {
  const path = instancePath.replace(/^\//, "").replace(/\//g, ".");
  const extra = (params.additionalProperty ?? params.missingProperty) as string | undefined;
  const field = [path, extra].filter(Boolean).join(".");
  return field || part;
}

function describe(message: string | undefined, _params: Record<string, unknown>, keyword: string): string {
  if (keyword === "additionalProperties") return "is not a known field";
  if (keyword === "required") return "is required";
  return message ?? keyword;
}

/** The one error handler: AppError by the table, schema violations as VALIDATION_FAILED naming the fields. */
export function handleError(
  err: FastifyError | AppError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (err instanceof AppError) {
    reply.status(HTTP_STATUS[err.code]).send(errorBody(err.code, err.message, err.details));
    return;
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    const part = fe.validationContext ?? "body";
    const issues = fe.validation.map((v) => ({
      field: fieldOf(v.instancePath, v.params as Record<string, unknown>, part),
      message: describe(v.message, v.params as Record<string, unknown>, v.keyword),
    }));
    reply.status(400).send(
      errorBody(ErrorCode.VALIDATION_FAILED, issues.map((i) => `${i.field}: ${i.message}`).join("; "), {
        issues,
        in: part,
      }),
    );
    return;
  }
  if (fe.statusCode === 429) {
    reply.status(429).send(errorBody(ErrorCode.RATE_LIMITED, fe.message));
    return;
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    reply
      .status(fe.statusCode)
      .send(
        errorBody(
          fe.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE"
            ? "UNSUPPORTED_MEDIA_TYPE"
            : ErrorCode.VALIDATION_FAILED,
          fe.message,
        ),
      );
    return;
  }
  request.log.error({ err }, "request failed");
  reply.status(500).send(errorBody(ErrorCode.INTERNAL, "the server failed; the log has the details"));
}
