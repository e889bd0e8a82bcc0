import { AppError, ErrorCode, invalid, notFound } from "../domain/errors.ts";
import { newId } from "../domain/ids.ts";
import type { Db } from "../store/db.ts";
import {
  deleteGroup,
  findGroupById,
  type GroupRow,
  groupContents,
  insertGroup,
  listGroups,
  listGroupTree,
  lockGroupTree,
  moveSubtree,
  renameGroup,
} from "../store/group.store.ts";
import type { Scope } from "../store/scope.ts";
import { recordAudit } from "./audit.service.ts";
import type { Ctx, Deps } from "./context.ts";
import type { GrantService } from "./grant.service.ts";
import { managedScope, requireAdmin, visibilityScope } from "./permissions.ts";

/** A group of the partner tree as the API presents it. */
export interface Group {
  id: string;
  name: string;
  /** null for the vendor's root group. */
  parentId: string | null;
  /** Ids from the root down to this group, `/rootId/…/id/`. */
  path: string;
  createdAt: string;
}

export function presentGroup(r: GroupRow): Group {
  return { id: r.id, name: r.name, parentId: r.parent_id, path: r.path, createdAt: r.created_at };
}

/** Whether a group lies within a scope (the row is at hand, so no query). */
export function groupWithin(scope: Scope, g: GroupRow): boolean {
  if (scope.kind === "all") return true;
  if (scope.kind === "group") return g.id === scope.groupId;
  return g.path.startsWith(scope.path);
}

/** A group the caller manages, or NOT_FOUND (groups outside the caller's reach do not exist for it). */
export async function findManagedGroup(db: Db, ctx: Ctx, id: string, field?: string): Promise<GroupRow> {
  const g = await findGroupById(db, id);
  if (g && groupWithin(managedScope(ctx), g)) return g;
  if (field) throw invalid([{ field, message: `no group ${id} exists within your subtree` }]);
  throw notFound("group", id);
}

/** A group of the tree with the number of users it holds directly. */
export interface GroupNode extends Group {
  userCount: number;
}

/**
 * Whether the caller may rename, move or delete a group it manages: never the root group, and an
 * admin only the groups below its own (the same rule the service applies when it is asked).
 */
export function canChangeGroup(ctx: Ctx, g: Pick<Group, "id" | "parentId">): boolean {
  return g.parentId !== null && (ctx.actor.isIsvAdmin || g.id !== ctx.actor.groupId);
}

const PAST = { rename: "renamed", move: "moved", delete: "deleted" } as const;

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 200)
    throw invalid([{ field: "name", message: "must be 1 to 200 characters, not only spaces" }]);
  return trimmed;
}

export class GroupService {
  constructor(
    private readonly deps: Deps,
    private readonly grants: GrantService,
  ) {}

  /** A subgroup of a group the caller manages (an admin: its group or any group below it). */
  async create(ctx: Ctx, input: { name: string; parentId: string }): Promise<Group> {
    requireAdmin(ctx, "create groups");
    const name = checkName(input.name);
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      await lockGroupTree(trx);
      const parent = await findManagedGroup(trx, ctx, input.parentId, "parentId");
      const id = newId(now.getTime());
      const row: GroupRow = {
        id,
        parent_id: parent.id,
        name,
        path: `${parent.path}${id}/`,
        created_at: now.toISOString(),
      };
      await insertGroup(trx, row);
      const group = presentGroup(row);
      await recordAudit(trx, ctx, now, [
        { action: "group.created", entityType: "group", entityId: id, groupId: id, after: group },
      ]);
      return group;
    });
  }

  /** ISV admins see every group, admins their subtree, other users their own group. */
  async get(ctx: Ctx, id: string): Promise<Group> {
    const g = await findGroupById(this.deps.db, id);
    if (!g || !groupWithin(visibilityScope(ctx), g)) throw notFound("group", id);
    return presentGroup(g);
  }

  /** The groups the caller sees, parents before children; `cursor` is the last path of the previous page. */
  async list(ctx: Ctx, q: { cursor?: string; limit: number }) {
    const rows = await listGroups(this.deps.db, visibilityScope(ctx), {
      afterPath: q.cursor,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit).map(presentGroup);
    return { data: page, nextCursor: rows.length > q.limit ? page[page.length - 1]!.path : null };
  }

  /**
   * The whole tree the caller manages (ISV admins: every group; admins: their group's subtree),
   * parents before children, each with its number of users.
   */
  async tree(ctx: Ctx): Promise<GroupNode[]> {
    requireAdmin(ctx, "manage the partner tree");
    const rows = await listGroupTree(this.deps.db, managedScope(ctx));
    return rows.map((r) => ({ ...presentGroup(r), userCount: r.user_count }));
  }

  /**
   * Renames a group strictly inside the caller's subtree; an admin's own group is named by the
   * admins above it. ISV admins may also rename the root group.
   */
  async rename(ctx: Ctx, id: string, name: string): Promise<Group> {
    requireAdmin(ctx, "rename groups");
    const trimmed = checkName(name);
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      const g = await findManagedGroup(trx, ctx, id);
      if (!ctx.actor.isIsvAdmin) this.requireBelowOwnGroup(ctx, g, "rename");
      if (g.name === trimmed) return presentGroup(g);
      await renameGroup(trx, id, trimmed);
      const before = presentGroup(g);
      const after = { ...before, name: trimmed };
      await recordAudit(trx, ctx, now, [
        { action: "group.renamed", entityType: "group", entityId: id, groupId: id, before, after },
      ]);
      return after;
    });
  }

  /**
   * Moves a group, with its whole subtree, under another parent. Both must lie within the caller's
   * subtree and the group strictly inside it; a group never moves under itself or its descendants.
   * Grants that no longer derive from the vendor afterwards fall in the same transaction.
   */
  async move(ctx: Ctx, id: string, parentId: string): Promise<Group> {
    requireAdmin(ctx, "move groups");
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      await lockGroupTree(trx);
      const g = await findManagedGroup(trx, ctx, id);
      this.requireBelowOwnGroup(ctx, g, "move");
      const parent = await findManagedGroup(trx, ctx, parentId, "parentId");
      if (parent.path.startsWith(g.path))
        throw new AppError(
          ErrorCode.GROUP_CYCLE,
          `parentId: group ${parentId} is ${parent.id === g.id ? "the group itself" : "inside the group's own subtree"}; a group cannot move under itself or its descendants`,
          { field: "parentId", groupId: id, parentId },
        );
      if (g.parent_id === parent.id) return presentGroup(g);
      const path = `${parent.path}${g.id}/`;
      await moveSubtree(trx, g.id, parent.id, g.path, path);
      const before = presentGroup(g);
      const after = { ...before, parentId: parent.id, path };
      await recordAudit(trx, ctx, now, [
        { action: "group.moved", entityType: "group", entityId: id, groupId: id, before, after },
      ]);
      await this.grants.prune(trx, ctx, now);
      return after;
    });
  }

  /** Deletes an empty group (no subgroups, users or orders) strictly inside the caller's subtree. */
  async delete(ctx: Ctx, id: string): Promise<void> {
    requireAdmin(ctx, "delete groups");
    const now = this.deps.clock.now();
    await this.deps.db.transaction().execute(async (trx) => {
      await lockGroupTree(trx);
      const g = await findManagedGroup(trx, ctx, id);
      this.requireBelowOwnGroup(ctx, g, "delete");
      const contents = await groupContents(trx, id);
      if (contents.subgroups || contents.users || contents.orders)
        throw new AppError(
          ErrorCode.GROUP_NOT_EMPTY,
          `group ${g.name} still holds ${count(contents.subgroups, "subgroup")}, ${count(contents.users, "user")} and ${count(contents.orders, "order")}; only an empty group can be deleted`,
          { ...contents },
        );
      await deleteGroup(trx, id);
      await recordAudit(trx, ctx, now, [
        { action: "group.deleted", entityType: "group", entityId: id, groupId: id, before: presentGroup(g) },
      ]);
    });
  }

  /** The root group never moves or goes; an admin changes the groups below its own, not its own. */
  private requireBelowOwnGroup(ctx: Ctx, g: GroupRow, what: "rename" | "move" | "delete"): void {
    if (g.parent_id === null)
      throw new AppError(
        ErrorCode.FORBIDDEN,
        `the vendor's root group cannot be ${PAST[what]}: it is the top of the tree`,
        { groupId: g.id },
      );
    if (!ctx.actor.isIsvAdmin && g.id === ctx.actor.groupId)
      throw new AppError(
        ErrorCode.FORBIDDEN,
        `you manage the groups below your own group, not your group itself; an admin of its parent group may ${what} it`,
        { groupId: g.id },
      );
  }
}
