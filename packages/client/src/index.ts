/**
 * @licentra/client — the zero-dependency SDK that vendors' software embeds to verify Licentra
 * license files offline, fingerprint the device, and activate, refresh, return and validate
 * licenses online or through offline request files.
 *
 * @module
 */

/** Device fingerprints for activations; see `deviceFingerprint`. */
export {
  type DeviceFingerprintOptions,
  deviceFingerprint,
  type MachineId,
  type MachineIdSource,
  readMachineId,
} from "./fingerprint.ts";
/** Offline activation request files and license-file storage. */
export {
  createOfflineRequest,
  OFFLINE_REQUEST_TYPE,
  type OfflineActivationRequest,
  readLicenseFile,
  readOfflineRequestFile,
  writeLicenseFile,
  writeOfflineRequestFile,
} from "./offline.ts";
/** The online client of the activation API. */
export {
  type ActivateResult,
  type Activation,
  type ActivationCredentials,
  type ActivationInput,
  type ActivationResult,
  LicentraClient,
  type LicentraClientOptions,
  LicentraError,
  type OnlineValidateInput,
  type ValidationResult,
} from "./online.ts";
/** Offline verification of license files. */
export {
  createVerifier,
  type JsonWebKeyInput,
  type KeySetInput,
  LICENSE_FILE_TYPE,
  type LicenseClaims,
  type LicenseVerifier,
  VALIDATION_CODES,
  type ValidationCode,
  type VerificationResult,
  type VerifyOptions,
  verifyLicenseFile,
} from "./verify.ts";
