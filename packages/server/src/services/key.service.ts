import { generateSigningKey, type PublicJwk } from "../crypto/keyring.ts";
import { AppError, ErrorCode, notFound } from "../domain/errors.ts";
import type { Db } from "../store/db.ts";
import {
  demoteSigningKeys,
  findKey,
  insertKey,
  listKeys,
  type SigningKeyRow,
  setKeyStatus,
} from "../store/key.store.ts";
import { recordAudit } from "./audit.service.ts";
import type { Ctx, Deps } from "./context.ts";
import { requireIsvAdmin } from "./permissions.ts";

/** A signing key as operators see it; the private half never leaves the database. */
export interface SigningKey {
  kid: string;
  status: "signing" | "verifying" | "retired";
  publicJwk: PublicJwk;
  createdAt: string;
  retiredAt: string | null;
}

function present(r: SigningKeyRow): SigningKey {
  return {
    kid: r.kid,
    status: r.status as SigningKey["status"],
    publicJwk: JSON.parse(r.public_jwk),
    createdAt: r.created_at,
    retiredAt: r.retired_at,
  };
}

export class KeyService {
  constructor(
    private readonly deps: Deps,
    private readonly masterKey: Buffer,
  ) {}

  async list(ctx: Ctx): Promise<SigningKey[]> {
    requireIsvAdmin(ctx, "manage signing keys");
    return (await listKeys(this.deps.db)).map(present);
  }

  /** The public keys that verify license files, as published at /.well-known/jwks.json. */
  jwks(): { keys: PublicJwk[] } {
    return this.deps.keyring.jwks();
  }

  /** Loads the stored keys into the in-memory keyring (at start and periodically on every node). */
  async reload(): Promise<void> {
    this.deps.keyring.load(await listKeys(this.deps.db));
  }

  /** A new key signs from now on; the previous signing key keeps verifying until retired. */
  async rotate(ctx: Ctx): Promise<SigningKey> {
    requireIsvAdmin(ctx, "manage signing keys");
    const key = await this.deps.db.transaction().execute((trx) => this.createSigningKey(trx, ctx));
    await this.reload();
    return key;
  }

  /** Creates the first signing key when there is none; returns it, or null when one existed. */
  async ensureSigningKey(trx: Db, ctx: Ctx): Promise<SigningKey | null> {
    const keys = await listKeys(trx);
    if (keys.some((k) => k.status === "signing")) return null;
    return this.createSigningKey(trx, ctx);
  }

  /** A retired key no longer verifies: files it signed answer UNKNOWN_KEY. The signing key cannot be retired. */
  async retire(ctx: Ctx, kid: string): Promise<SigningKey> {
    requireIsvAdmin(ctx, "manage signing keys");
    const now = this.deps.clock.now();
    const key = await this.deps.db.transaction().execute(async (trx) => {
      const row = await findKey(trx, kid);
      if (!row) throw notFound("signing key", kid);
      if (row.status === "signing")
        throw new AppError(
          ErrorCode.KEY_STATE,
          `key ${kid} signs new license files; rotate first, then retire it`,
        );
      if (row.status === "retired") return present(row);
      await setKeyStatus(trx, kid, "retired", now.toISOString());
      const after = present({ ...row, status: "retired", retired_at: now.toISOString() });
      await recordAudit(trx, ctx, now, [
        { action: "key.retired", entityType: "signing_key", entityId: kid, before: present(row), after },
      ]);
      return after;
    });
    await this.reload();
    return key;
  }

  private async createSigningKey(trx: Db, ctx: Ctx): Promise<SigningKey> {
    const now = this.deps.clock.now();
    const { kid, publicJwk, sealedPrivateKey } = generateSigningKey(this.masterKey);
    await demoteSigningKeys(trx);
    const row: SigningKeyRow = {
      kid,
      status: "signing",
      public_jwk: JSON.stringify(publicJwk),
      private_key_sealed: sealedPrivateKey,
      created_at: now.toISOString(),
      retired_at: null,
    };
    await insertKey(trx, row);
    await recordAudit(trx, ctx, now, [
      { action: "key.created", entityType: "signing_key", entityId: kid, after: present(row) },
    ]);
    return present(row);
  }
}
