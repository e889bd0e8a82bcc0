import { createHash, randomBytes } from "node:crypto";
import { AppError, ErrorCode, notFound } from "../domain/errors.ts";
import { newId } from "../domain/ids.ts";
import type { Db } from "../store/db.ts";
import {
  type ApiKeyRow,
  findApiKey,
  findApiKeyOwner,
  findUserByEmail,
  findUserById,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  touchApiKey,
} from "../store/user.store.ts";
import { recordAudit } from "./audit.service.ts";
import type { Actor, Ctx, Deps } from "./context.ts";
import { groupInScope, managedScope } from "./permissions.ts";

/** An API key as listed; the secret itself is returned once, at creation. */
export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function present(r: ApiKeyRow): ApiKey {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    userId: r.user_id,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export class ApiKeyService {
  private readonly touched = new Map<string, number>();

  constructor(private readonly deps: Deps) {}

  /** The actor an API key stands for, or null when the key is unknown, revoked or its user disabled. */
  async authenticate(secret: string): Promise<Actor | null> {
    if (!secret.startsWith("lic_")) return null;
    const owner = await findApiKeyOwner(this.deps.db, hashApiKey(secret));
    if (!owner || owner.revokedAt !== null || !owner.enabled) return null;
    this.touch(owner.keyId);
    return {
      type: "api_key",
      id: owner.keyId,
      userId: owner.userId,
      groupId: owner.groupId,
      groupPath: owner.groupPath,
      isAdmin: Boolean(owner.isAdmin),
      isIsvAdmin: Boolean(owner.isAdmin) && owner.groupParentId === null,
    };
  }

  /**
   * Records when a key was last used, at most once a minute per key and process, outside the
   * request's path: a write per request would halve the API's throughput for a coarse figure.
   */
  private touch(keyId: string): void {
    const now = this.deps.clock.now();
    const last = this.touched.get(keyId) ?? 0;
    if (now.getTime() - last < 60_000) return;
    this.touched.set(keyId, now.getTime());
    touchApiKey(this.deps.db, keyId, now.toISOString()).catch((err) =>
      this.deps.log.warn({ err }, "recording an API key's last use failed"),
    );
  }

  /** A new key for a user (the caller's own unless an ISV admin names another). The secret is shown once. */
  async create(
    ctx: Ctx,
    input: { name: string; userEmail?: string },
    db: Db = this.deps.db,
  ): Promise<{ apiKey: ApiKey; secret: string }> {
    let userId = ctx.actor.userId;
    if (input.userEmail !== undefined) {
      const user = await findUserByEmail(db, input.userEmail);
      if (
        !user ||
        (user.id !== ctx.actor.userId && !(await groupInScope(db, managedScope(ctx), user.group_id)))
      )
        throw new AppError(ErrorCode.NOT_FOUND, `user: no user you manage has the email ${input.userEmail}`, {
          field: "user",
        });
      // A key acts with its user's rights, which an admin may not hold itself: only ISV admins
      // (who hold every right) create keys for others. Admins may still list and revoke them.
      if (user.id !== ctx.actor.userId && !ctx.actor.isIsvAdmin)
        throw new AppError(
          ErrorCode.FORBIDDEN,
          "only ISV admins create API keys for other users; the user creates its own after signing in",
          {
            field: "user",
          },
        );
      userId = user.id;
    }
    if (!userId)
      throw new AppError(ErrorCode.VALIDATION_FAILED, "user: name the user the key acts for", {
        field: "user",
      });
    const now = this.deps.clock.now();
    const secret = `lic_${randomBytes(32).toString("base64url")}`;
    const row: ApiKeyRow = {
      id: newId(now.getTime()),
      user_id: userId,
      name: input.name,
      prefix: secret.slice(0, 12),
      key_hash: hashApiKey(secret),
      created_at: now.toISOString(),
      last_used_at: null,
      revoked_at: null,
    };
    const write = async (trx: Db) => {
      await insertApiKey(trx, row);
      // Recorded under the owner's group, so the admins above it see it in their audit log.
      const owner = await findUserById(trx, row.user_id);
      await recordAudit(trx, ctx, now, [
        {
          action: "api_key.created",
          entityType: "api_key",
          entityId: row.id,
          groupId: owner?.group_id ?? null,
          after: present(row),
        },
      ]);
    };
    if (db === this.deps.db) await this.deps.db.transaction().execute(write);
    else await write(db);
    return { apiKey: present(row), secret };
  }

  /** The caller's own keys; an admin's list also holds the keys of its subtree's users. */
  async list(ctx: Ctx): Promise<ApiKey[]> {
    const scope = ctx.actor.isAdmin || ctx.actor.isIsvAdmin ? managedScope(ctx) : null;
    return (await listApiKeys(this.deps.db, ctx.actor.userId ?? "", scope)).map(present);
  }

  /** The caller's own keys only, oldest first (the web page of one's own keys). */
  async listOwn(ctx: Ctx): Promise<ApiKey[]> {
    if (!ctx.actor.userId) return [];
    return (await listApiKeys(this.deps.db, ctx.actor.userId, null)).map(present);
  }

  async revoke(ctx: Ctx, id: string): Promise<ApiKey> {
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      const row = await findApiKey(trx, id);
      const owner = row ? await findUserById(trx, row.user_id) : undefined;
      const managed =
        row !== undefined &&
        (row.user_id === ctx.actor.userId ||
          ((ctx.actor.isAdmin || ctx.actor.isIsvAdmin) &&
            owner !== undefined &&
            (await groupInScope(trx, managedScope(ctx), owner.group_id))));
      if (!row || !managed) throw notFound("API key", id);
      if (row.revoked_at) return present(row);
      await revokeApiKey(trx, id, now.toISOString());
      const after = present({ ...row, revoked_at: now.toISOString() });
      await recordAudit(trx, ctx, now, [
        {
          action: "api_key.revoked",
          entityType: "api_key",
          entityId: id,
          groupId: owner?.group_id ?? null,
          before: present(row),
          after,
        },
      ]);
      return after;
    });
  }
}
