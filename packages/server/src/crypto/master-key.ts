import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Encrypts a secret with the master key (AES-256-GCM). Output: `v1.<iv>.<tag>.<ciphertext>`,
 * base64url parts, so the stored value says how to read it.
 */
export function seal(masterKey: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", masterKey, iv);
  const body = Buffer.concat([c.update(plaintext, "utf8"), c.final()]);
  return [
    "v1",
    iv.toString("base64url"),
    c.getAuthTag().toString("base64url"),
    body.toString("base64url"),
  ].join(".");
}

/** Decrypts what `seal` produced; throws when the master key is not the one it was sealed with. */
export function unseal(masterKey: Buffer, sealed: string): string {
  const [v, iv, tag, body] = sealed.split(".");
  if (v !== "v1" || !iv || !tag || body === undefined) throw new Error("sealed value has an unknown format");
  const d = createDecipheriv("aes-256-gcm", masterKey, Buffer.from(iv, "base64url"));
  d.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([d.update(Buffer.from(body, "base64url")), d.final()]).toString("utf8");
}

/** Parses a master key given as 64 hex characters or base64 of 32 bytes; null when neither. */
export function parseMasterKey(text: string): Buffer | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, "hex");
  const b = Buffer.from(t, "base64");
  return b.length === 32 ? b : null;
}

/**
 * The master key: `LICENTRA_MASTER_KEY`, else `DATA_DIR/master.key`, else a new one written
 * there (mode 0600). `generated` tells the caller to warn: losing that file loses the keys.
 */
export function loadOrCreateMasterKey(
  configured: string | null,
  dataDir: string,
  mayCreate = true,
): { key: Buffer; generated: boolean; path: string | null } {
  if (configured) return { key: parseMasterKey(configured)!, generated: false, path: null };
  const file = path.join(dataDir, "master.key");
  if (existsSync(file)) {
    const key = parseMasterKey(readFileSync(file, "utf8"));
    if (!key)
      throw new Error(`${file} does not hold a 32-byte key (64 hex characters); restore it from your backup`);
    return { key, generated: false, path: file };
  }
  if (!mayCreate)
    throw new Error(
      `the database holds signing keys but no master key is configured: set LICENTRA_MASTER_KEY (or restore ${file}) to the key they were encrypted with`,
    );
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  return { key, generated: true, path: file };
}
