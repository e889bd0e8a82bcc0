import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { AppError, ErrorCode } from "../domain/errors.ts";
import { lockoutDelayMs, normalizeEmail, SESSION_LIFETIME_MS } from "../domain/login.ts";
import {
  deleteExpiredSessionsOfUser,
  deleteSession,
  findSessionWithUser,
  insertSession,
} from "../store/session.store.ts";
import {
  findUserByEmail,
  findUserById,
  lockUserById,
  type UserRow,
  updateUser,
} from "../store/user.store.ts";
import { recordAudit } from "./audit.service.ts";
import { type Actor, type Channel, type Ctx, type Deps, ROOT_GROUP_ID } from "./context.ts";
import { presentUser, type User } from "./user.service.ts";

/** Name of the cookie that carries the session token. */
export const SESSION_COOKIE = "licentra_session";

/** A signed-in session as the HTTP layer needs it; `id` is the token's hash, never the token. */
export interface SessionInfo {
  id: string;
  csrfToken: string;
  expiresAt: string;
}

/** Who a valid session cookie stands for. */
export interface SessionAuth {
  actor: Actor;
  channel: Channel;
  session: SessionInfo;
}

/** What a signed-in person learns about its session. */
export interface SignedIn {
  user: User;
  /** Send it as `x-csrf-token` with every write made with the session cookie. */
  csrfToken: string;
  expiresAt: string;
}

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Compares two secrets in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const LOGIN_FAILED_MESSAGE = "the email or the password is wrong";

/** ISV admins work in the console, everybody else in the partner portal. */
function channelOf(isIsvAdmin: boolean): Channel {
  return isIsvAdmin ? "console" : "portal";
}

function isIsvAdminRow(u: UserRow): boolean {
  return u.is_admin === 1 && u.group_id === ROOT_GROUP_ID;
}

/** The audit actor of a login attempt: somebody who claims to be the user, not yet proven. */
function attemptCtx(u: UserRow): Ctx {
  return {
    actor: {
      type: "user",
      id: null,
      userId: null,
      groupId: null,
      groupPath: null,
      isAdmin: false,
      isIsvAdmin: false,
    },
    channel: channelOf(isIsvAdminRow(u)),
  };
}

/**
 * Password sign-in for the console and the portal. Sessions live in the database (any node
 * serves any request); the cookie holds a random token of which only the SHA-256 is stored.
 */
export class SessionService {
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly deps: Deps) {}

  /**
   * Checks email and password and opens a session. Wrong email and wrong password fail alike;
   * after repeated failures the account waits (`lockoutDelayMs`), even for the right password.
   */
  async login(input: { email: string; password: string }): Promise<SignedIn & { token: string }> {
    const user = await findUserByEmail(this.deps.db, normalizeEmail(input.email));
    if (!user) {
      // Unknown emails cost one hash verification too, so timing does not tell which accounts exist.
      await this.verifyAgainstDummy(input.password);
      throw new AppError(ErrorCode.LOGIN_FAILED, LOGIN_FAILED_MESSAGE);
    }
    const ok = await this.checkPassword(attemptCtx(user), user, input.password);
    if (!ok || user.enabled !== 1) throw new AppError(ErrorCode.LOGIN_FAILED, LOGIN_FAILED_MESSAGE);
    const now = this.deps.clock.now();
    const token = randomBytes(32).toString("base64url");
    const csrfToken = randomBytes(32).toString("base64url");
    const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS).toISOString();
    const ctx: Ctx = {
      actor: {
        type: "user",
        id: user.id,
        userId: user.id,
        groupId: user.group_id,
        groupPath: null,
        isAdmin: user.is_admin === 1,
        isIsvAdmin: isIsvAdminRow(user),
      },
      channel: channelOf(isIsvAdminRow(user)),
    };
    await this.deps.db.transaction().execute(async (trx) => {
      await updateUser(trx, user.id, { failed_logins: 0, locked_until: null });
      await deleteExpiredSessionsOfUser(trx, user.id, now.toISOString());
      await insertSession(trx, {
        id: hashSessionToken(token),
        user_id: user.id,
        csrf_secret: csrfToken,
        created_at: now.toISOString(),
        expires_at: expiresAt,
      });
      await recordAudit(trx, ctx, now, [
        {
          action: "user.signed_in",
          entityType: "user",
          entityId: user.id,
          groupId: user.group_id,
          after: { expiresAt },
        },
      ]);
    });
    return {
      token,
      user: presentUser({ ...user, failed_logins: 0, locked_until: null }),
      csrfToken,
      expiresAt,
    };
  }

  /** The actor of a session cookie, or null when the session is unknown, expired or its user disabled. */
  async authenticate(token: string): Promise<SessionAuth | null> {
    if (!token || token.length > 200) return null;
    const row = await findSessionWithUser(this.deps.db, hashSessionToken(token));
    if (row?.enabled !== 1 || row.expiresAt <= this.deps.clock.now().toISOString()) return null;
    const isIsvAdmin = row.isAdmin === 1 && row.groupParentId === null;
    return {
      actor: {
        type: "user",
        id: row.userId,
        userId: row.userId,
        groupId: row.groupId,
        groupPath: row.groupPath,
        isAdmin: row.isAdmin === 1,
        isIsvAdmin,
      },
      channel: channelOf(isIsvAdmin),
      session: { id: row.sessionId, csrfToken: row.csrfSecret, expiresAt: row.expiresAt },
    };
  }

  /** The signed-in user and the session's CSRF token. */
  async current(ctx: Ctx, session: SessionInfo): Promise<SignedIn> {
    const user = await findUserById(this.deps.db, ctx.actor.userId ?? "");
    if (!user) throw new AppError(ErrorCode.UNAUTHENTICATED, "the session's user no longer exists");
    return { user: presentUser(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt };
  }

  /** Ends the session: its row is deleted, so the cookie is worthless even if kept. */
  async logout(ctx: Ctx, session: SessionInfo): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.db.transaction().execute(async (trx) => {
      await deleteSession(trx, session.id);
      await recordAudit(trx, ctx, now, [
        {
          action: "user.signed_out",
          entityType: "user",
          entityId: ctx.actor.userId ?? "",
          groupId: ctx.actor.groupId,
        },
      ]);
    });
  }

  /**
   * Whether `password` is the user's, under the lock-out delay: a waiting account is refused with
   * LOGIN_LOCKED before any check. The attempt is counted as a failure before the hash is checked
   * (under a row lock), so parallel guesses cannot slip past the delay; the caller resets the count
   * after a success, in its own transaction.
   */
  async checkPassword(ctx: Ctx, user: UserRow, password: string): Promise<boolean> {
    const now = this.deps.clock.now();
    const failures = await this.deps.db.transaction().execute(async (trx) => {
      const row = await lockUserById(trx, user.id);
      if (!row) return null;
      if (row.locked_until !== null && row.locked_until > now.toISOString()) {
        const seconds = Math.ceil((Date.parse(row.locked_until) - now.getTime()) / 1000);
        throw new AppError(
          ErrorCode.LOGIN_LOCKED,
          `too many failed sign-ins; wait ${seconds} s before the next attempt`,
          { retryAfterSeconds: seconds, lockedUntil: row.locked_until },
        );
      }
      const n = row.failed_logins + 1;
      const delay = lockoutDelayMs(n);
      await updateUser(trx, user.id, {
        failed_logins: n,
        locked_until: delay ? new Date(now.getTime() + delay).toISOString() : row.locked_until,
      });
      return { n, lockedUntil: delay ? new Date(now.getTime() + delay).toISOString() : null };
    });
    const ok =
      failures !== null && user.password_hash !== null
        ? await verify(user.password_hash, password).catch(() => false)
        : await this.verifyAgainstDummy(password);
    if (ok) return true;
    if (failures)
      await this.deps.db.transaction().execute((trx) =>
        recordAudit(trx, ctx, now, [
          {
            action: "user.login_failed",
            entityType: "user",
            entityId: user.id,
            groupId: user.group_id,
            after: { failedLogins: failures.n, lockedUntil: failures.lockedUntil },
          },
        ]),
      );
    return false;
  }

  private async verifyAgainstDummy(password: string): Promise<false> {
    this.dummyHash ??= hash(randomBytes(16).toString("hex"));
    await verify(await this.dummyHash, password).catch(() => false);
    return false;
  }
}
