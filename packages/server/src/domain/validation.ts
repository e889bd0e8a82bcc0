/** Validation outcomes (DESIGN §2.5): answers, not errors. Shared with the client SDK. */
export type ValidationCode =
  | "VALID"
  | "EXPIRED"
  | "REVOKED"
  | "NOT_ACTIVATED"
  | "FINGERPRINT_MISMATCH"
  | "FILE_EXPIRED"
  | "NOT_YET_VALID"
  | "BAD_SIGNATURE"
  | "UNKNOWN_KEY"
  | "PRODUCT_MISMATCH"
  | "FEATURE_MISSING"
  | "MAINTENANCE_EXPIRED";

export interface ValidationOutcome {
  valid: boolean;
  code: ValidationCode;
  detail: string;
}

export function outcome(code: ValidationCode, detail: string): ValidationOutcome {
  return { valid: code === "VALID", code, detail };
}

/** What the caller asks of a license beyond "is it valid". */
export interface ValidationScope {
  productCode?: number;
  features?: string[];
  /** Release date of the calling build, `YYYY-MM-DD`: compared with `maintenanceUntil`. */
  buildDate?: string;
}

export interface LicenseStateForValidation {
  revoked: boolean;
  expiresAt: string | null;
  maintenanceUntil: string | null;
  features: string[];
}

/**
 * The checks after signature, key, file window, product and device (online: after the
 * activation lookup), in the order docs/LICENSE-FILE.md fixes. The first failing guard decides.
 */
export function checkLicenseState(
  state: LicenseStateForValidation,
  scope: ValidationScope,
  today: string,
): ValidationOutcome {
  if (state.revoked) return outcome("REVOKED", "the license has been revoked");
  if (state.expiresAt !== null && today > state.expiresAt)
    return outcome("EXPIRED", `the license expired after ${state.expiresAt}`);
  if (
    scope.buildDate !== undefined &&
    state.maintenanceUntil !== null &&
    scope.buildDate > state.maintenanceUntil
  )
    return outcome(
      "MAINTENANCE_EXPIRED",
      `builds released after ${state.maintenanceUntil} are not covered; this build is from ${scope.buildDate}`,
    );
  const missing = (scope.features ?? []).filter((f) => !state.features.includes(f));
  if (missing.length) return outcome("FEATURE_MISSING", `the license lacks feature(s) ${missing.join(", ")}`);
  return outcome("VALID", "the license is valid");
}

export function checkProduct(actual: number, scope: ValidationScope): ValidationOutcome | null {
  if (scope.productCode !== undefined && scope.productCode !== actual)
    return outcome("PRODUCT_MISMATCH", `the license is for product ${actual}, not ${scope.productCode}`);
  return null;
}
