import { deviceHash, type LicenseClaims, signLicenseFile } from "../crypto/license-file.ts";
import { dayOf, durationSeconds } from "../domain/dates.ts";
import { AppError, ErrorCode, type FieldIssue, invalid, notFound } from "../domain/errors.ts";
import { newId } from "../domain/ids.ts";
import {
  bindValues,
  licenseTerms,
  type ParameterDefinition,
  type ParameterValue,
} from "../domain/parameters.ts";
import { normalizeTicket } from "../domain/ticket.ts";
import {
  type ActivationRow,
  findActivationById,
  findActiveActivation,
  insertActivation,
  updateActivation,
} from "../store/activation.store.ts";
import { type Db, isUniqueViolation } from "../store/db.ts";
import {
  findLicenseById,
  findLicensesByOrder,
  type LicenseRow,
  releaseSeat,
  takeSeat,
} from "../store/license.store.ts";
import { findOrderByTicket } from "../store/order.store.ts";
import { findProductRevision, type ProductRevisionRow } from "../store/product.store.ts";
import { recordAudit } from "./audit.service.ts";
import type { Ctx, Deps } from "./context.ts";
import { type Activation, presentActivation } from "./license.view.ts";

export interface ActivateInput {
  ticket: string;
  /** License id; or `productCode` to let the server pick the order's license of that product. */
  license?: string;
  productCode?: number;
  fingerprint: string;
  deviceName: string;
  parameters?: Record<string, unknown>;
}

/** Proof that the caller holds an activation: the order's ticket or a license file issued for it. */
export interface ActivationProof {
  ticket?: string;
  licenseFile?: string;
}

export interface ActivationResult {
  activation: Activation;
  licenseFile: string;
  /** False when the device already held an activation of the license (idempotent re-activation). */
  created: boolean;
}

const TICKET_MISMATCH = () => new AppError(ErrorCode.TICKET_NOT_FOUND, "no order matches this ticket");

export class ActivationService {
  private readonly revisions = new Map<string, ProductRevisionRow>();

  constructor(private readonly deps: Deps) {}

  /**
   * Binds a license to a device if a seat is free and issues its license file. The same device
   * activating again gets its existing activation back.
   */
  async activate(ctx: Ctx, input: ActivateInput): Promise<ActivationResult> {
    try {
      return await this.activateOnce(ctx, input);
    } catch (e) {
      // The same device raced itself: the unique index let one win; answer with its activation.
      if (isUniqueViolation(e)) return this.activateOnce(ctx, input);
      throw e;
    }
  }

  private async activateOnce(ctx: Ctx, input: ActivateInput): Promise<ActivationResult> {
    const ticket = normalizeTicket(input.ticket);
    if (!ticket) throw TICKET_MISMATCH();
    if (input.license === undefined && input.productCode === undefined)
      throw invalid([
        {
          field: "license",
          message: "name the license (license id) or the product (productCode) to activate",
        },
      ]);
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      const order = await findOrderByTicket(trx, ticket);
      if (!order) throw TICKET_MISMATCH();
      const licenses = await findLicensesByOrder(trx, order.id);
      const candidates = licenses.filter((l) =>
        input.license !== undefined ? l.id === input.license : Number(l.product_code) === input.productCode,
      );
      if (!candidates.length)
        throw input.license !== undefined
          ? notFound("license", input.license)
          : new AppError(ErrorCode.NOT_FOUND, `the order has no license of product ${input.productCode}`, {
              field: "productCode",
            });

      for (const l of candidates) {
        const existing = await findActiveActivation(trx, l.id, input.fingerprint);
        if (existing) return this.reissueIfStale(trx, ctx, l, existing, now, false);
      }
      const usable = candidates.filter((l) => l.status === "active");
      if (!usable.length)
        throw new AppError(ErrorCode.LICENSE_REVOKED, "the license has been revoked and cannot be activated");
      const today = dayOf(now);
      const current = usable.filter((l) => l.expires_at === null || l.expires_at >= today);
      if (!current.length)
        throw new AppError(ErrorCode.LICENSE_EXPIRED, `the license expired after ${usable[0]!.expires_at}`);

      for (const license of current) {
        const revision = await this.revision(trx, license);
        const defs = JSON.parse(revision.parameters) as ParameterDefinition[];
        const issues: FieldIssue[] = [];
        const bound = bindValues(defs, "activation", input.parameters ?? {}, now, "parameters", issues);
        if (issues.length) throw invalid(issues);
        if (license.active_seats >= license.seats) continue;
        if (!(await takeSeat(trx, license.id, now.toISOString()))) continue;
        const iso = now.toISOString();
        const id = newId(now.getTime());
        const file = this.sign(license, revision, bound.values, id, input.fingerprint, now);
        const row: ActivationRow = {
          id,
          license_id: license.id,
          fingerprint: input.fingerprint,
          device_name: input.deviceName,
          parameters: JSON.stringify(bound),
          status: "active",
          license_file: file,
          file_version: license.version,
          created_at: iso,
          refreshed_at: iso,
          returned_at: null,
        };
        await insertActivation(trx, row);
        const activation = presentActivation(row);
        await recordAudit(trx, ctx, now, [
          {
            action: "activation.created",
            entityType: "activation",
            entityId: id,
            groupId: license.group_id,
            after: activation,
          },
        ]);
        return { activation, licenseFile: file, created: true };
      }
      // On PostgreSQL a concurrent activation of this very device may have taken the last seat
      // while we waited for the row lock; it is visible now, and it is ours.
      for (const l of candidates) {
        const existing = await findActiveActivation(trx, l.id, input.fingerprint);
        if (existing) return this.reissueIfStale(trx, ctx, l, existing, now, false);
      }
      throw new AppError(
        ErrorCode.NO_SEATS_AVAILABLE,
        `every seat is taken (${current.map((l) => `${l.active_seats}/${l.seats}`).join(", ")}); return an activation on another device first`,
      );
    });
  }

  /** A new file with the license's current values and a new file validity window. */
  async refresh(ctx: Ctx, activationId: string, proof: ActivationProof): Promise<ActivationResult> {
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      const { activation, license } = await this.authorize(trx, activationId, proof);
      if (activation.status !== "active")
        throw new AppError(
          ErrorCode.ACTIVATION_RETURNED,
          `activation ${activationId} was returned; activate again`,
        );
      if (license.status !== "active")
        throw new AppError(
          ErrorCode.LICENSE_REVOKED,
          "the license has been revoked; its files are no longer refreshed",
        );
      return this.reissueIfStale(trx, ctx, license, activation, now, true);
    });
  }

  /** Frees the seat. Returning twice changes nothing. */
  async return(ctx: Ctx, activationId: string, proof: ActivationProof): Promise<Activation> {
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      const { activation, license } = await this.authorize(trx, activationId, proof);
      if (activation.status !== "active") return presentActivation(activation);
      const next = { ...activation, status: "returned", returned_at: now.toISOString() };
      await updateActivation(trx, activation.id, { status: next.status, returned_at: next.returned_at });
      await releaseSeat(trx, license.id);
      const after = presentActivation(next);
      await recordAudit(trx, ctx, now, [
        {
          action: "activation.returned",
          entityType: "activation",
          entityId: activation.id,
          groupId: license.group_id,
          before: presentActivation(activation),
          after,
        },
      ]);
      return after;
    });
  }

  private async authorize(trx: Db, activationId: string, proof: ActivationProof) {
    const activation = await findActivationById(trx, activationId);
    if (!activation) throw notFound("activation", activationId);
    const license = (await findLicenseById(trx, activation.license_id))!;
    if (proof.ticket !== undefined) {
      const ticket = normalizeTicket(proof.ticket);
      const order = ticket ? await findOrderByTicket(trx, ticket) : undefined;
      if (!order || order.id !== license.order_id) throw TICKET_MISMATCH();
    } else if (proof.licenseFile !== undefined) {
      // An expired file still proves the activation: refreshing it is the point.
      const claims = this.deps.keyring.verifier().verify(proof.licenseFile).license;
      if (!claims || claims.jti !== activationId)
        throw new AppError(
          ErrorCode.UNAUTHENTICATED,
          "licenseFile: not a valid license file of this activation",
        );
    } else {
      throw invalid([
        { field: "ticket", message: "send the order's ticket or the activation's current licenseFile" },
      ]);
    }
    return { activation, license };
  }

  private async reissueIfStale(
    trx: Db,
    ctx: Ctx,
    license: LicenseRow,
    activation: ActivationRow,
    now: Date,
    always: boolean,
  ): Promise<ActivationResult> {
    if (
      !always &&
      activation.file_version === license.version &&
      this.signedByKnownKey(activation.license_file)
    )
      return {
        activation: presentActivation(activation),
        licenseFile: activation.license_file,
        created: false,
      };
    const revision = await this.revision(trx, license);
    const values = (JSON.parse(activation.parameters).values ?? {}) as Record<string, ParameterValue | null>;
    const file = this.sign(license, revision, values, activation.id, activation.fingerprint, now);
    const next = {
      ...activation,
      license_file: file,
      file_version: license.version,
      refreshed_at: now.toISOString(),
    };
    await updateActivation(trx, activation.id, {
      license_file: file,
      file_version: license.version,
      refreshed_at: next.refreshed_at,
    });
    await recordAudit(trx, ctx, now, [
      {
        action: "activation.refreshed",
        entityType: "activation",
        entityId: activation.id,
        groupId: license.group_id,
        after: { version: license.version },
      },
    ]);
    return { activation: presentActivation(next), licenseFile: file, created: false };
  }

  /** Whether a stored file's key still verifies (a retired key's files must be re-signed). */
  private signedByKnownKey(file: string): boolean {
    try {
      const header = JSON.parse(
        Buffer.from(file.slice(0, file.indexOf(".")), "base64url").toString("utf8"),
      ) as { kid?: string };
      return header.kid !== undefined && this.deps.keyring.verifier().keyIds.includes(header.kid);
    } catch {
      return false;
    }
  }

  private sign(
    license: LicenseRow,
    revision: ProductRevisionRow,
    activationValues: Record<string, ParameterValue | null>,
    activationId: string,
    fingerprint: string,
    now: Date,
  ): string {
    const terms = licenseTerms({ ...JSON.parse(license.values), ...activationValues });
    const iat = Math.floor(now.getTime() / 1000);
    const claims: LicenseClaims = {
      iss: this.deps.config.publicUrl,
      sub: license.id,
      jti: activationId,
      iat,
      nbf: iat,
      ...(revision.file_validity ? { exp: iat + durationSeconds(revision.file_validity, now) } : {}),
      product: { code: Number(license.product_code), name: revision.name },
      expiresAt: terms.expiresAt,
      maintenanceUntil: terms.maintenanceUntil,
      seats: license.seats,
      features: terms.features,
      parameters: terms.parameters,
      device: deviceHash(fingerprint),
      version: license.version,
    };
    const { kid, key } = this.deps.keyring.signingKey();
    return signLicenseFile(claims, kid, key);
  }

  /** Product revisions never change once written, so they are cached for the process's life. */
  private async revision(trx: Db, license: LicenseRow): Promise<ProductRevisionRow> {
    const k = `${license.product_id}/${license.product_revision}`;
    let r = this.revisions.get(k);
    if (!r) {
      r = (await findProductRevision(trx, license.product_id, license.product_revision))!;
      this.revisions.set(k, r);
    }
    return r;
  }
}
