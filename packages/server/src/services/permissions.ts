import { AppError, ErrorCode } from "../domain/errors.ts";
import type { Scope } from "../store/order.store.ts";
import type { Ctx } from "./context.ts";

/** Catalog, keys and the audit log are the vendor's: only ISV admins (and the system) change them. */
export function requireIsvAdmin(ctx: Ctx, what: string): void {
  if (!ctx.actor.isIsvAdmin)
    throw new AppError(ErrorCode.FORBIDDEN, `only ISV admins may ${what}`, { required: "isvAdmin" });
}

/** Which groups' orders and licenses a caller sees (DESIGN §2.3): ISV admins all, others their group. */
export function visibilityScope(ctx: Ctx): Scope {
  if (ctx.actor.isIsvAdmin) return { all: true };
  return { all: false, groupIds: ctx.actor.groupId ? [ctx.actor.groupId] : [] };
}

export function canSee(scope: Scope, groupId: string): boolean {
  return scope.all || scope.groupIds.includes(groupId);
}
