import { AppError, ErrorCode } from "../domain/errors.ts";
import type { Right } from "../domain/rights.ts";
import type { Db } from "../store/db.ts";
import { hasGrant } from "../store/grant.store.ts";
import { findGroupById } from "../store/group.store.ts";
import type { Scope } from "../store/scope.ts";
import type { Ctx } from "./context.ts";

/** Catalog, keys, categories and data fields are the vendor's: only ISV admins (and the system) change them. */
export function requireIsvAdmin(ctx: Ctx, what: string): void {
  if (!ctx.actor.isIsvAdmin)
    throw new AppError(ErrorCode.FORBIDDEN, `only ISV admins may ${what}`, { required: "isvAdmin" });
}

/** Managing users, subgroups and grants needs an admin. */
export function requireAdmin(ctx: Ctx, what: string): void {
  if (!ctx.actor.isAdmin && !ctx.actor.isIsvAdmin)
    throw new AppError(ErrorCode.FORBIDDEN, `only admins may ${what}`, { required: "admin" });
}

/**
 * Which groups' orders and licenses a caller sees (DESIGN §2.3): ISV admins everything, admins
 * their group's subtree, other users their own group. Nobody sees a sibling's or parent's.
 */
export function visibilityScope(ctx: Ctx): Scope {
  const a = ctx.actor;
  if (a.isIsvAdmin) return { kind: "all" };
  if (a.isAdmin && a.groupPath) return { kind: "subtree", path: a.groupPath };
  return { kind: "group", groupId: a.groupId ?? "" };
}

/** The groups an admin manages: its subtree (ISV admins: all). */
export function managedScope(ctx: Ctx): Scope {
  const a = ctx.actor;
  if (a.isIsvAdmin) return { kind: "all" };
  if (a.isAdmin && a.groupPath) return { kind: "subtree", path: a.groupPath };
  return { kind: "group", groupId: "" };
}

/** Whether a group lies within a scope. */
export async function groupInScope(db: Db, scope: Scope, groupId: string): Promise<boolean> {
  if (scope.kind === "all") return true;
  if (scope.kind === "group") return scope.groupId === groupId;
  const g = await findGroupById(db, groupId);
  return g?.path.startsWith(scope.path) ?? false;
}

/** Whether the caller holds a right on a category: ISV admins hold all; others through grants. */
export async function holdsRight(
  db: Db,
  ctx: Ctx,
  categoryId: string | null,
  right: Right,
): Promise<boolean> {
  if (ctx.actor.isIsvAdmin) return true;
  if (categoryId === null || ctx.actor.userId === null) return false;
  return hasGrant(db, ctx.actor.userId, categoryId, right);
}

export async function requireRight(
  db: Db,
  ctx: Ctx,
  categoryId: string | null,
  right: Right,
  what: string,
): Promise<void> {
  if (!(await holdsRight(db, ctx, categoryId, right)))
    throw new AppError(
      ErrorCode.FORBIDDEN,
      categoryId === null
        ? `only ISV admins may ${what} without a category`
        : `you lack the right "${right}" on this category, which is needed to ${what}`,
      { required: right, category: categoryId },
    );
}
