import { checkFile } from "../crypto/license-file.ts";
import { dayOf } from "../domain/dates.ts";
import { notFound } from "../domain/errors.ts";
import { licenseTerms } from "../domain/parameters.ts";
import {
  checkLicenseState,
  checkProduct,
  outcome,
  type ValidationOutcome,
  type ValidationScope,
} from "../domain/validation.ts";
import { findActivationById, findLicenseForValidation } from "../store/activation.store.ts";
import type { Deps } from "./context.ts";

export interface ValidationResult extends ValidationOutcome {
  /** The license's current terms, when the license was identified. */
  license?: {
    id: string;
    product: { code: number };
    version: number;
    expiresAt: string | null;
    maintenanceUntil: string | null;
    features: string[];
  };
}

/** Online validation: the same codes and order as the SDK, against the server's current state. */
export class ValidationService {
  constructor(private readonly deps: Deps) {}

  /** By license id and device fingerprint: the hot path, one indexed query. */
  async byLicense(licenseId: string, fingerprint: string, scope: ValidationScope): Promise<ValidationResult> {
    const row = await findLicenseForValidation(this.deps.db, licenseId, fingerprint);
    if (!row) throw notFound("license", licenseId);
    const product = checkProduct(Number(row.product_code), scope);
    if (product) return product;
    if (row.activation_id === null)
      return outcome("NOT_ACTIVATED", "this device has no active activation of the license");
    const terms = licenseTerms({
      ...JSON.parse(row.values),
      ...(JSON.parse(row.activation_parameters!).values ?? {}),
    });
    const license = {
      id: row.id,
      product: { code: Number(row.product_code) },
      version: row.version,
      expiresAt: terms.expiresAt,
      maintenanceUntil: terms.maintenanceUntil,
      features: terms.features,
    };
    const result = checkLicenseState(
      { ...terms, revoked: row.status === "revoked" },
      scope,
      dayOf(this.deps.clock.now()),
    );
    return { ...result, license };
  }

  /** By license file: the file's own checks first, then the server's state of its activation. */
  async byFile(
    file: string,
    fingerprint: string | undefined,
    scope: ValidationScope,
  ): Promise<ValidationResult> {
    const check = checkFile(this.deps.keyring.verifier(), file, {
      now: this.deps.clock.now(),
      productCode: scope.productCode,
      fingerprint,
    });
    if (!check.ok) return check.outcome;
    const c = check.claims;
    const activation = await findActivationById(this.deps.db, c.jti);
    if (activation?.status !== "active" || activation.license_id !== c.sub)
      return outcome(
        "NOT_ACTIVATED",
        "the activation this file was issued for no longer exists or was returned",
      );
    return this.byLicense(c.sub, activation.fingerprint, scope);
  }
}
