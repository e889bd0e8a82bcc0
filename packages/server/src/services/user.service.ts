import { hash } from "@node-rs/argon2";
import { AppError, ErrorCode, type FieldIssue, invalid, notFound } from "../domain/errors.ts";
import { newId } from "../domain/ids.ts";
import { emailIssue, normalizeEmail, passwordIssue } from "../domain/login.ts";
import { type Db, isUniqueViolation } from "../store/db.ts";
import { findGroupById, lockGroupTree } from "../store/group.store.ts";
import { deleteSessionsOfUser } from "../store/session.store.ts";
import {
  countEnabledIsvAdmins,
  findUserByEmail,
  findUserById,
  insertUser,
  listUsers,
  type UserRow,
  updateUser,
} from "../store/user.store.ts";
import { recordAudit } from "./audit.service.ts";
import { type Ctx, type Deps, ROOT_GROUP_ID } from "./context.ts";
import type { GrantService } from "./grant.service.ts";
import { findManagedGroup, groupWithin } from "./group.service.ts";
import { managedScope, requireAdmin } from "./permissions.ts";
import type { SessionService } from "./session.service.ts";

/** A user as the API presents it; the password hash never leaves the server. */
export interface User {
  id: string;
  email: string;
  name: string;
  groupId: string;
  isAdmin: boolean;
  /** An admin of the vendor's root group: every right on everything. */
  isIsvAdmin: boolean;
  enabled: boolean;
  /** Without a password the user cannot sign in (API keys still work). */
  hasPassword: boolean;
  /** Sign-ins wait until this instant after repeated failures; null when not waiting. */
  lockedUntil: string | null;
  createdAt: string;
  updatedAt: string | null;
}

export interface UserInput {
  email: string;
  name: string;
  groupId: string;
  isAdmin?: boolean;
  /** At least 10 characters; without one the user cannot sign in until one is set. */
  password?: string;
  enabled?: boolean;
}

export type UserChanges = Partial<UserInput>;

export function presentUser(r: UserRow): User {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    groupId: r.group_id,
    isAdmin: r.is_admin === 1,
    isIsvAdmin: r.is_admin === 1 && r.group_id === ROOT_GROUP_ID,
    enabled: r.enabled === 1,
    hasPassword: r.password_hash !== null,
    lockedUntil: r.locked_until,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** An enabled admin of the root group. */
function isEnabledIsvAdmin(r: Pick<UserRow, "is_admin" | "enabled" | "group_id">): boolean {
  return r.is_admin === 1 && r.enabled === 1 && r.group_id === ROOT_GROUP_ID;
}

/** Field checks of a creation or change; a changed email comes back normalized. */
function checkFields(input: UserChanges): { issues: FieldIssue[]; email?: string; name?: string } {
  const issues: FieldIssue[] = [];
  const email = input.email === undefined ? undefined : normalizeEmail(input.email);
  const emailProblem = email === undefined ? null : emailIssue("email", email);
  if (emailProblem) issues.push(emailProblem);
  const name = input.name?.trim();
  if (name !== undefined && (!name || name.length > 200))
    issues.push({ field: "name", message: "must be 1 to 200 characters, not only spaces" });
  const passwordProblem = input.password === undefined ? null : passwordIssue("password", input.password);
  if (passwordProblem) issues.push(passwordProblem);
  return { issues, email, name };
}

function emailTaken(email: string): AppError {
  return new AppError(
    ErrorCode.EMAIL_TAKEN,
    `email: ${email} is already used by another user; emails are unique regardless of case`,
    { field: "email" },
  );
}

export class UserService {
  constructor(
    private readonly deps: Deps,
    private readonly grants: GrantService,
    private readonly sessions: SessionService,
  ) {}

  /** A user in a group of the caller's subtree (ISV admins: any group). */
  async create(ctx: Ctx, input: UserInput): Promise<User> {
    requireAdmin(ctx, "create users");
    const { issues, email, name } = checkFields(input);
    if (issues.length) throw invalid(issues);
    const passwordHash = input.password === undefined ? null : await hash(input.password);
    const now = this.deps.clock.now();
    const row: UserRow = {
      id: newId(now.getTime()),
      group_id: input.groupId,
      email: email!,
      name: name!,
      password_hash: passwordHash,
      is_admin: input.isAdmin ? 1 : 0,
      enabled: input.enabled === false ? 0 : 1,
      failed_logins: 0,
      locked_until: null,
      created_at: now.toISOString(),
      updated_at: null,
    };
    return this.deps.db.transaction().execute(async (trx) => {
      await lockGroupTree(trx);
      await findManagedGroup(trx, ctx, input.groupId, "groupId");
      if (await findUserByEmail(trx, row.email)) throw emailTaken(row.email);
      try {
        await insertUser(trx, row);
      } catch (e) {
        if (isUniqueViolation(e)) throw emailTaken(row.email);
        throw e;
      }
      const user = presentUser(row);
      await recordAudit(trx, ctx, now, [
        { action: "user.created", entityType: "user", entityId: row.id, groupId: row.group_id, after: user },
      ]);
      return user;
    });
  }

  /** Users see themselves; admins the users of their subtree; ISV admins everybody. */
  async get(ctx: Ctx, id: string): Promise<User> {
    if (id === ctx.actor.userId) return this.me(ctx);
    requireAdmin(ctx, "read other users");
    return presentUser(await this.managedUser(this.deps.db, ctx, id));
  }

  /** The caller's own user (of the session or the API key). */
  async me(ctx: Ctx): Promise<User> {
    const row = ctx.actor.userId === null ? undefined : await findUserById(this.deps.db, ctx.actor.userId);
    if (!row) throw notFound("user", ctx.actor.userId ?? "(none)");
    return presentUser(row);
  }

  /** The users of the caller's subtree, by email; `cursor` is the last email of the previous page. */
  async list(
    ctx: Ctx,
    q: {
      groupId?: string;
      search?: string;
      isAdmin?: boolean;
      enabled?: boolean;
      cursor?: string;
      limit: number;
    },
  ) {
    requireAdmin(ctx, "list users");
    const rows = await listUsers(this.deps.db, managedScope(ctx), {
      ...q,
      afterEmail: q.cursor,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit).map(presentUser);
    return { data: page, nextCursor: rows.length > q.limit ? page[page.length - 1]!.email : null };
  }

  /**
   * Changes a user of the caller's subtree. Moving the user, changing its admin flag or disabling
   * it re-derives every grant in the same transaction (a demoted admin's grants fall in cascade).
   * A password set here, and disabling, end the user's sessions. The last enabled ISV admin stays.
   */
  async update(ctx: Ctx, id: string, changes: UserChanges): Promise<User> {
    requireAdmin(ctx, "change users");
    if (changes.password !== undefined) this.requirePasswordReset(ctx, id);
    const { issues, email, name } = checkFields(changes);
    if (issues.length) throw invalid(issues);
    const passwordHash = changes.password === undefined ? undefined : await hash(changes.password);
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      await lockGroupTree(trx);
      const row = await this.managedUser(trx, ctx, id);
      if (changes.groupId !== undefined && changes.groupId !== row.group_id)
        await findManagedGroup(trx, ctx, changes.groupId, "groupId");
      if (email !== undefined && email !== row.email && (await findUserByEmail(trx, email)))
        throw emailTaken(email);
      const enabling = changes.enabled === true && row.enabled === 0;
      const next: UserRow = {
        ...row,
        email: email ?? row.email,
        name: name ?? row.name,
        group_id: changes.groupId ?? row.group_id,
        is_admin: changes.isAdmin === undefined ? row.is_admin : changes.isAdmin ? 1 : 0,
        enabled: changes.enabled === undefined ? row.enabled : changes.enabled ? 1 : 0,
        password_hash: passwordHash ?? row.password_hash,
        // Re-enabling an account also lifts a lock-out it collected while disabled.
        failed_logins: enabling ? 0 : row.failed_logins,
        locked_until: enabling ? null : row.locked_until,
        updated_at: now.toISOString(),
      };
      if (
        isEnabledIsvAdmin(row) &&
        !isEnabledIsvAdmin(next) &&
        (await countEnabledIsvAdmins(trx, row.id)) === 0
      )
        throw new AppError(
          ErrorCode.LAST_ISV_ADMIN,
          `${row.email} is the last enabled ISV admin; make another user an ISV admin before demoting, disabling or moving this one`,
          { userId: row.id },
        );
      const { id: _, ...set } = next;
      try {
        await updateUser(trx, id, set);
      } catch (e) {
        if (isUniqueViolation(e)) throw emailTaken(next.email);
        throw e;
      }
      if (passwordHash !== undefined || next.enabled === 0) await deleteSessionsOfUser(trx, id);
      const before = presentUser(row);
      const after = presentUser(next);
      await recordAudit(trx, ctx, now, [
        {
          action:
            next.enabled === row.enabled ? "user.updated" : next.enabled ? "user.enabled" : "user.disabled",
          entityType: "user",
          entityId: id,
          groupId: next.group_id,
          before,
          after: passwordHash === undefined ? after : { ...after, passwordChanged: true },
        },
      ]);
      if (next.group_id !== row.group_id || next.is_admin !== row.is_admin || next.enabled !== row.enabled)
        await this.grants.prune(trx, ctx, now);
      return after;
    });
  }

  /**
   * Changes the caller's own password after checking the current one (under the same lock-out
   * delay as sign-in), and ends the caller's other sessions; the one making the change stays.
   */
  async changePassword(
    ctx: Ctx,
    input: { currentPassword: string; newPassword: string },
    keepSessionId: string | null,
  ): Promise<void> {
    const problem = passwordIssue("newPassword", input.newPassword);
    if (problem) throw invalid([problem]);
    const row = ctx.actor.userId === null ? undefined : await findUserById(this.deps.db, ctx.actor.userId);
    if (!row) throw notFound("user", ctx.actor.userId ?? "(none)");
    if (!(await this.sessions.checkPassword(ctx, row, input.currentPassword)))
      throw invalid([{ field: "currentPassword", message: "is not your current password" }]);
    const passwordHash = await hash(input.newPassword);
    const now = this.deps.clock.now();
    await this.deps.db.transaction().execute(async (trx) => {
      await updateUser(trx, row.id, {
        password_hash: passwordHash,
        failed_logins: 0,
        locked_until: null,
        updated_at: now.toISOString(),
      });
      await deleteSessionsOfUser(trx, row.id, keepSessionId);
      await recordAudit(trx, ctx, now, [
        {
          action: "user.password_changed",
          entityType: "user",
          entityId: row.id,
          groupId: row.group_id,
        },
      ]);
    });
  }

  /**
   * Who may set an existing user's password without knowing it: only ISV admins, and not their
   * own. Signing in as another user would let an admin use rights it could not grant itself.
   */
  private requirePasswordReset(ctx: Ctx, id: string): void {
    if (id === ctx.actor.userId)
      throw new AppError(
        ErrorCode.FORBIDDEN,
        "password: change your own password with POST /api/v1/users/me/password, which checks the current one",
        { field: "password" },
      );
    if (!ctx.actor.isIsvAdmin)
      throw new AppError(
        ErrorCode.FORBIDDEN,
        "password: only ISV admins may set the password of an existing user; admins set one when they create the user",
        { field: "password" },
      );
  }

  /** A user of the caller's subtree, or NOT_FOUND: users outside it do not exist for the caller. */
  private async managedUser(db: Db, ctx: Ctx, id: string): Promise<UserRow> {
    const row = await findUserById(db, id);
    const group = row && (await findGroupById(db, row.group_id));
    if (!row || !group || !groupWithin(managedScope(ctx), group)) throw notFound("user", id);
    return row;
  }
}
