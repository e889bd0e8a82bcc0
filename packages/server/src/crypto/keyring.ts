import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from "node:crypto";
import { createVerifier, type KeySetInput, type LicenseVerifier } from "@licentra/client";
import { seal, unseal } from "./master-key.ts";

/** A public key as published in the JWKS. */
export interface PublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid: string;
  alg: "EdDSA";
  use: "sig";
}

/** A new Ed25519 key pair: kid is the RFC 7638 thumbprint of the public key. */
export function generateSigningKey(masterKey: Buffer): {
  kid: string;
  publicJwk: PublicJwk;
  sealedPrivateKey: string;
} {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const jwk = publicKey.export({ format: "jwk" }) as JsonWebKey;
  const thumbprint = createHash("sha256")
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x }))
    .digest("base64url");
  const publicJwk: PublicJwk = {
    kty: "OKP",
    crv: "Ed25519",
    x: jwk.x!,
    kid: thumbprint,
    alg: "EdDSA",
    use: "sig",
  };
  const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  return { kid: thumbprint, publicJwk, sealedPrivateKey: seal(masterKey, pem) };
}

export interface StoredKey {
  kid: string;
  status: string;
  public_jwk: string;
  private_key_sealed: string;
}

/**
 * The keys in memory, parsed once: the one that signs and every key that still verifies.
 * Parsing a PEM per signature costs ten times the signature itself.
 */
export class Keyring {
  private signer: { kid: string; key: KeyObject } | null = null;
  private published: PublicJwk[] = [];
  private fileVerifier: LicenseVerifier = createVerifier({ keys: [] });

  constructor(private readonly masterKey: Buffer) {}

  /** Replaces the in-memory keys with the stored ones (retired keys are dropped). */
  load(rows: StoredKey[]): void {
    const published: PublicJwk[] = [];
    let signer: { kid: string; key: KeyObject } | null = null;
    for (const row of rows) {
      if (row.status === "retired") continue;
      const jwk = JSON.parse(row.public_jwk) as PublicJwk;
      published.push(jwk);
      if (row.status === "signing") {
        const key =
          this.signer?.kid === row.kid
            ? this.signer.key
            : createPrivateKey(this.unsealKey(row.kid, row.private_key_sealed));
        signer = { kid: row.kid, key };
      }
    }
    this.signer = signer;
    this.published = published;
    this.fileVerifier = createVerifier({ keys: published as unknown as KeySetInput });
  }

  private unsealKey(kid: string, sealed: string): string {
    try {
      return unseal(this.masterKey, sealed);
    } catch {
      throw new Error(
        `the master key does not decrypt signing key ${kid}: LICENTRA_MASTER_KEY (or DATA_DIR/master.key) is not the key it was encrypted with`,
      );
    }
  }

  /** Verifies license files against every key that still verifies. */
  verifier(): LicenseVerifier {
    return this.fileVerifier;
  }

  /** The key that signs new license files; throws when none exists (run `licentra init`). */
  signingKey(): { kid: string; key: KeyObject } {
    if (!this.signer) throw new Error("no signing key: run `licentra init` or `licentra keys rotate`");
    return this.signer;
  }

  jwks(): { keys: PublicJwk[] } {
    return { keys: this.published };
  }
}
