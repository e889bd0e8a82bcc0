/**
 * What the ticket holder can do with a license today: `active` (activate, refresh), `revoked`
 * (nothing; terminal), `expired` (its expiry day has passed: no new activations).
 */
export type LicenseState = "active" | "revoked" | "expired";

/** A license's state on `today` (YYYY-MM-DD): revoked is terminal; past its expiry day it is expired. */
export function licenseState(
  license: { status: string; expires_at: string | null },
  today: string,
): LicenseState {
  if (license.status === "revoked") return "revoked";
  if (license.expires_at !== null && license.expires_at < today) return "expired";
  return "active";
}
