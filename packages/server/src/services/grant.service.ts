import { AppError, ErrorCode, invalid, notFound } from "../domain/errors.ts";
import { newId } from "../domain/ids.ts";
import { derivableGrants, RIGHTS, type Right, SYSTEM_GRANTOR } from "../domain/rights.ts";
import { findCategoryById, listCategories } from "../store/category.store.ts";
import type { Db } from "../store/db.ts";
import {
  deleteGrants,
  findGrantsOf,
  findGrantsOfUser,
  type GrantRow,
  insertGrant,
} from "../store/grant.store.ts";
import { findGroupById, lockGroupTree } from "../store/group.store.ts";
import { findUserById, findUsersByIds } from "../store/user.store.ts";
import { recordAudit } from "./audit.service.ts";
import type { Ctx, Deps } from "./context.ts";
import { groupInScope, holdsRight, managedScope, requireAdmin } from "./permissions.ts";

/** One right of a user on a category, and every grant it comes from. */
export interface EffectiveRight {
  category: { id: string; name: string };
  right: Right;
  /** `isvAdmin`: held by being an ISV admin; `grant`: through the grants listed. */
  via: "isvAdmin" | "grant";
  grants: { id: string; grantor: { id: string; email: string | null }; createdAt: string }[];
}

/** A grant that was revoked, named for a person: whose it was, on what, from whom. */
export interface RevokedGrant {
  user: { id: string; email: string | null };
  category: { id: string; name: string };
  right: Right;
  grantor: { id: string; email: string | null };
}

/** What a revocation did. */
export interface Revocation {
  /** The user's effective rights afterwards. */
  rights: EffectiveRight[];
  /** The grants revoked as asked (those the caller made; ISV admins: every grant of the rights). */
  revoked: RevokedGrant[];
  /** Grants, of this or other users, that fell because they no longer derive from the vendor. */
  cascaded: RevokedGrant[];
}

export class GrantService {
  constructor(private readonly deps: Deps) {}

  /**
   * Grants rights on a category to a user of the caller's subtree. An admin grants only rights it
   * holds itself; every grant records its grantor.
   */
  async grant(ctx: Ctx, userId: string, categoryId: string, rights: Right[]): Promise<EffectiveRight[]> {
    requireAdmin(ctx, "grant rights");
    const now = this.deps.clock.now();
    await this.deps.db.transaction().execute(async (trx) => {
      // Grants and every change that can take a right away serialize on the tree lock, and the
      // caller's admin standing is read again inside it: a grant never races its revocation.
      await lockGroupTree(trx);
      ctx = await this.current(trx, ctx);
      const user = await this.managedUser(trx, ctx, userId);
      if (!(await findCategoryById(trx, categoryId)))
        throw invalid([{ field: "category", message: `category ${categoryId} does not exist` }]);
      const lacking: Right[] = [];
      for (const r of rights) if (!(await holdsRight(trx, ctx, categoryId, r))) lacking.push(r);
      if (lacking.length)
        throw new AppError(
          ErrorCode.FORBIDDEN,
          `rights: you can only grant rights you hold; you lack ${lacking.join(", ")} on this category`,
          {
            field: "rights",
            lacking,
          },
        );
      const grantor = ctx.actor.userId ?? SYSTEM_GRANTOR;
      const created: GrantRow[] = [];
      for (const right of rights) {
        const row: GrantRow = {
          id: newId(now.getTime()),
          user_id: user.id,
          category_id: categoryId,
          right,
          grantor_id: grantor,
          created_at: now.toISOString(),
        };
        if (await insertGrant(trx, row)) created.push(row);
      }
      await recordAudit(
        trx,
        ctx,
        now,
        created.map((g) => ({
          action: "grant.created",
          entityType: "grant",
          entityId: g.id,
          groupId: user.group_id,
          after: presentGrant(g),
        })),
      );
    });
    return this.effective(ctx, userId);
  }

  /**
   * Revokes the rights the caller granted (ISV admins: every grant of those rights to the user),
   * then cascades: grants that no longer derive from the vendor fall too.
   */
  async revoke(ctx: Ctx, userId: string, categoryId: string, rights: Right[]): Promise<EffectiveRight[]> {
    return (await this.revokeReporting(ctx, userId, categoryId, rights)).rights;
  }

  /** `revoke`, saying which grants it revoked and which fell in cascade. */
  async revokeReporting(ctx: Ctx, userId: string, categoryId: string, rights: Right[]): Promise<Revocation> {
    requireAdmin(ctx, "revoke rights");
    const now = this.deps.clock.now();
    const { revoked, cascaded } = await this.deps.db.transaction().execute(async (trx) => {
      // Grants and every change that can take a right away serialize on the tree lock, and the
      // caller's admin standing is read again inside it: a grant never races its revocation.
      await lockGroupTree(trx);
      ctx = await this.current(trx, ctx);
      const user = await this.managedUser(trx, ctx, userId);
      const grants = (await findGrantsOfUser(trx, user.id)).filter(
        (g) =>
          g.category_id === categoryId &&
          rights.includes(g.right as Right) &&
          (ctx.actor.isIsvAdmin || g.grantor_id === ctx.actor.userId),
      );
      await deleteGrants(
        trx,
        grants.map((g) => g.id),
      );
      await recordAudit(
        trx,
        ctx,
        now,
        grants.map((g) => ({
          action: "grant.revoked",
          entityType: "grant",
          entityId: g.id,
          groupId: user.group_id,
          before: presentGrant(g),
        })),
      );
      const fallen = await this.prune(trx, ctx, now, [categoryId]);
      return { revoked: await describeGrants(trx, grants), cascaded: await describeGrants(trx, fallen) };
    });
    return { rights: await this.effective(ctx, userId), revoked, cascaded };
  }

  /**
   * Deletes every grant that no longer derives from the vendor (after a revocation, or after a
   * user lost its admin flag, was disabled or moved). Call inside the change's transaction.
   * Answers the grants that fell.
   */
  async prune(trx: Db, ctx: Ctx, now: Date, categoryIds?: string[]): Promise<GrantRow[]> {
    const categories = categoryIds ?? (await listCategories(trx)).map((c) => c.id);
    const fallen: GrantRow[] = [];
    for (const categoryId of categories) {
      for (const right of RIGHTS) {
        const edges = await findGrantsOf(trx, categoryId, right);
        if (!edges.length) continue;
        const people = await findUsersByIds(trx, [
          ...new Set(edges.flatMap((e) => [e.user_id, e.grantor_id])),
        ]);
        const byId = new Map(people.map((u) => [u.id, u]));
        const active = (id: string) => byId.get(id)?.enabled === 1;
        const valid = derivableGrants(
          edges.map((e) => ({ id: e.id, userId: e.user_id, grantorId: e.grantor_id })),
          (id) => active(id) && byId.get(id)!.is_admin === 1 && byId.get(id)!.isIsvGroup,
          (id) => active(id) && byId.get(id)!.is_admin === 1,
          (grantor, user) =>
            (byId.get(user)?.groupPath ?? "").startsWith(byId.get(grantor)?.groupPath ?? "\u0000"),
        );
        fallen.push(...edges.filter((e) => !valid.has(e.id)));
      }
    }
    if (!fallen.length) return fallen;
    await deleteGrants(
      trx,
      fallen.map((g) => g.id),
    );
    await recordAudit(
      trx,
      ctx,
      now,
      fallen.map((g) => ({
        action: "grant.revoked",
        entityType: "grant",
        entityId: g.id,
        before: { ...presentGrant(g), cascade: true },
      })),
    );
    return fallen;
  }

  /** A user's effective rights and where each comes from. Users see their own; admins their subtree's. */
  async effective(ctx: Ctx, userId: string): Promise<EffectiveRight[]> {
    const db = this.deps.db;
    const user = await findUserById(db, userId);
    const visible =
      user !== undefined &&
      (user.id === ctx.actor.userId ||
        ((ctx.actor.isAdmin || ctx.actor.isIsvAdmin) &&
          (await groupInScope(db, managedScope(ctx), user.group_id))));
    if (!user || !visible) throw notFound("user", userId);
    const group = await findGroupById(db, user.group_id);
    const categories = await listCategories(db);
    if (user.is_admin === 1 && group?.parent_id === null)
      return categories.flatMap((c) =>
        RIGHTS.map((right) => ({
          category: { id: c.id, name: c.name },
          right,
          via: "isvAdmin" as const,
          grants: [],
        })),
      );
    const grants = await findGrantsOfUser(db, user.id);
    const grantors = new Map(
      (await findUsersByIds(db, [...new Set(grants.map((g) => g.grantor_id))])).map((u) => [u.id, u.email]),
    );
    const names = new Map(categories.map((c) => [c.id, c.name]));
    const out = new Map<string, EffectiveRight>();
    for (const g of grants) {
      const k = `${g.category_id}/${g.right}`;
      const entry = out.get(k) ?? {
        category: { id: g.category_id, name: names.get(g.category_id) ?? "" },
        right: g.right as Right,
        via: "grant" as const,
        grants: [],
      };
      entry.grants.push({
        id: g.id,
        grantor: { id: g.grantor_id, email: grantors.get(g.grantor_id) ?? null },
        createdAt: g.created_at,
      });
      out.set(k, entry);
    }
    return [...out.values()].sort(
      (a, b) =>
        a.category.name.localeCompare(b.category.name) || RIGHTS.indexOf(a.right) - RIGHTS.indexOf(b.right),
    );
  }

  /** The caller as the database says now (admin flag, group), inside the transaction. */
  private async current(trx: Db, ctx: Ctx): Promise<Ctx> {
    if (ctx.actor.userId === null || ctx.actor.isIsvAdmin) return ctx;
    const [me] = await findUsersByIds(trx, [ctx.actor.userId]);
    if (!me || me.enabled !== 1 || me.is_admin !== 1)
      throw new AppError(ErrorCode.FORBIDDEN, "only admins may grant or revoke rights", {
        required: "admin",
      });
    return { ...ctx, actor: { ...ctx.actor, isAdmin: true, groupId: me.group_id, groupPath: me.groupPath } };
  }

  private async managedUser(trx: Db, ctx: Ctx, userId: string) {
    const user = await findUserById(trx, userId);
    if (!user || !(await groupInScope(trx, managedScope(ctx), user.group_id))) throw notFound("user", userId);
    return user;
  }
}

/** Grants with the emails of their holders and grantors and the names of their categories. */
async function describeGrants(db: Db, grants: GrantRow[]): Promise<RevokedGrant[]> {
  if (!grants.length) return [];
  const people = await findUsersByIds(db, [...new Set(grants.flatMap((g) => [g.user_id, g.grantor_id]))]);
  const emails = new Map(people.map((u) => [u.id, u.email]));
  const names = new Map((await listCategories(db)).map((c) => [c.id, c.name]));
  return grants.map((g) => ({
    user: { id: g.user_id, email: emails.get(g.user_id) ?? null },
    category: { id: g.category_id, name: names.get(g.category_id) ?? "" },
    right: g.right as Right,
    grantor: { id: g.grantor_id, email: emails.get(g.grantor_id) ?? null },
  }));
}

function presentGrant(g: GrantRow) {
  return { userId: g.user_id, categoryId: g.category_id, right: g.right, grantorId: g.grantor_id };
}
