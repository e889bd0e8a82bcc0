import { randomBytes } from "node:crypto";
import { hash } from "@node-rs/argon2";
import { newId } from "../domain/ids.ts";
import { isUniqueViolation } from "../store/db.ts";
import { findRootGroup, insertGroup } from "../store/group.store.ts";
import { countUsers, insertUser } from "../store/user.store.ts";
import type { ApiKeyService } from "./api-key.service.ts";
import { recordAudit } from "./audit.service.ts";
import { type Deps, ROOT_GROUP_ID, SYSTEM_CTX } from "./context.ts";
import type { KeyService } from "./key.service.ts";

/** What the first start created; secrets are shown once and never again. */
export interface SetupResult {
  created: boolean;
  adminEmail?: string;
  /** Set when the password was generated (no LICENTRA_ADMIN_PASSWORD). */
  generatedPassword?: string;
  apiKey?: string;
  signingKey?: string;
}

export class SetupService {
  constructor(
    private readonly deps: Deps,
    private readonly keys: KeyService,
    private readonly apiKeys: ApiKeyService,
  ) {}

  /**
   * Creates the vendor's root group, the first ISV admin with an API key, and the first signing
   * key, in one transaction. On an initialized database it changes nothing.
   */
  async initialize(): Promise<SetupResult> {
    let result: SetupResult;
    try {
      result = await this.initializeOnce();
    } catch (e) {
      // Another process initialized the same database at the same moment: both inserted the
      // fixed root group id and its transaction won, so ours rolled back. Run again: it now
      // finds everything in place and changes nothing.
      if (!isUniqueViolation(e) && !isSqliteBusy(e)) throw e;
      result = await this.initializeOnce();
    }
    await this.keys.reload();
    return result;
  }

  private async initializeOnce(): Promise<SetupResult> {
    const { config, clock } = this.deps;
    return this.deps.db.transaction().execute(async (trx): Promise<SetupResult> => {
      const now = clock.now();
      const out: SetupResult = { created: false };
      if (!(await findRootGroup(trx))) {
        await insertGroup(trx, {
          id: ROOT_GROUP_ID,
          parent_id: null,
          name: "Vendor",
          path: `/${ROOT_GROUP_ID}/`,
          created_at: now.toISOString(),
        });
        await recordAudit(trx, SYSTEM_CTX, now, [
          {
            action: "group.created",
            entityType: "group",
            entityId: ROOT_GROUP_ID,
            after: { name: "Vendor" },
          },
        ]);
        out.created = true;
      }
      if ((await countUsers(trx)) === 0) {
        const email = (config.adminEmail ?? "admin@licentra.local").toLowerCase();
        const password = config.adminPassword ?? randomBytes(12).toString("base64url");
        const id = newId(now.getTime());
        await insertUser(trx, {
          id,
          group_id: ROOT_GROUP_ID,
          email,
          name: "Administrator",
          password_hash: await hash(password),
          is_admin: 1,
          enabled: 1,
          failed_logins: 0,
          locked_until: null,
          created_at: now.toISOString(),
          updated_at: null,
        });
        await recordAudit(trx, SYSTEM_CTX, now, [
          { action: "user.created", entityType: "user", entityId: id, after: { email, isAdmin: true } },
        ]);
        const ctx = { ...SYSTEM_CTX, actor: { ...SYSTEM_CTX.actor, userId: id, groupId: ROOT_GROUP_ID } };
        const { secret } = await this.apiKeys.create(ctx, { name: "first key" }, trx);
        out.created = true;
        out.adminEmail = email;
        if (!config.adminPassword) out.generatedPassword = password;
        out.apiKey = secret;
      }
      const key = await this.keys.ensureSigningKey(trx, SYSTEM_CTX);
      if (key) {
        out.created = true;
        out.signingKey = key.kid;
      }
      return out;
    });
  }
}

/** SQLite refused a write because another process wrote since this transaction's snapshot. */
function isSqliteBusy(e: unknown): boolean {
  return String((e as { code?: unknown })?.code ?? "").startsWith("SQLITE_BUSY");
}
