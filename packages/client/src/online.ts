import { toUtcDay } from "./dates.ts";
import type { ValidationCode } from "./verify.ts";

/** What to activate, and on which device. Used online (`activate`) and offline (`createOfflineRequest`). */
export interface ActivationInput {
  /** The ticket of the order, e.g. `ABCDE-FGHJK-MNPQR-STVWX-YZ012` (case-insensitive). */
  ticket: string;
  /** The license id to activate. `license` or `productCode` is required. */
  license?: string;
  /** The product code to activate (the order's license of that product). `license` or `productCode` is required. */
  productCode?: number;
  /** This device's fingerprint (see `deviceFingerprint`). */
  fingerprint: string;
  /** A name the customer recognizes the device by, e.g. its host name. */
  deviceName: string;
  /** Activation-specific parameter values, by key. */
  parameters?: Record<string, unknown>;
}

/**
 * An activation as the server returns it. The SDK relies only on `id`; the other members are
 * passed through as the server sends them.
 */
export interface Activation {
  /** Activation id (the `jti` of its license files). */
  id: string;
  [member: string]: unknown;
}

/** The answer to an activation or a refresh. */
export interface ActivationResult {
  /** The activation. */
  activation: Activation;
  /** The signed license file (JWS compact serialization) to store on the device. */
  licenseFile: string;
}

/** The answer to `activate`: also says whether the device was newly activated. */
export interface ActivateResult extends ActivationResult {
  /** `true` when a seat was taken now (HTTP 201), `false` when the device already had this activation (HTTP 200). */
  created: boolean;
}

/** Identifies an existing activation and proves the right to act on it: with the ticket or the current license file. */
export interface ActivationCredentials {
  /** The activation id (`jti` of the license file, `activation.id` of an activation). */
  activationId: string;
  /** The order's ticket. Give exactly one of `ticket` and `licenseFile`. */
  ticket?: string;
  /** The device's current license file. Give exactly one of `ticket` and `licenseFile`. */
  licenseFile?: string;
}

/** What to validate online. The server checks the same things as `verify`, plus revocation and returned activations. */
export interface OnlineValidateInput {
  /** The license file to validate. */
  licenseFile?: string;
  /** The license id, when validating without a file. */
  license?: string;
  /** This device's fingerprint. */
  fingerprint?: string;
  /** The product code this software is. */
  productCode?: number;
  /** Features this software needs. */
  features?: readonly string[];
  /** The release date of this build; sent as `YYYY-MM-DD` (UTC day). */
  buildDate?: string | Date;
}

/** A validation outcome from the server. */
export interface ValidationResult {
  /** Whether every check passed. */
  valid: boolean;
  /** The first failing check, or `VALID`. */
  code: ValidationCode;
  /** A human-readable explanation. */
  detail: string;
}

/** Options of `LicentraClient`. */
export interface LicentraClientOptions {
  /** The Licentra server's public URL, e.g. `https://licenses.example.com`. */
  baseUrl: string | URL;
  /** The `fetch` to use; defaults to the global one. */
  fetch?: typeof fetch;
  /** Abort a request after this many milliseconds; default 30 000. */
  timeoutMs?: number;
}

/**
 * A failed request. For an error answer of the server, `status`, `code`, `message` and `details`
 * are the server's (`{ error: { code, message, details } }`). Without an answer, `status` is 0 and
 * `code` is `NETWORK_ERROR` or `TIMEOUT`; an answer that is not Licentra's error format has code
 * `HTTP_ERROR`, a success answer of unexpected shape `UNEXPECTED_RESPONSE`.
 */
export class LicentraError extends Error {
  /** HTTP status, or 0 when no answer arrived. */
  readonly status: number;
  /** The server's stable error code, or one of the SDK's codes above. */
  readonly code: string;
  /** The server's error details, if any. */
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown, options?: ErrorOptions) {
    super(message, options);
    this.name = "LicentraError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Talks to a Licentra server's activation API: activate, refresh, return, validate, offline activation. */
export class LicentraClient {
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(options: LicentraClientOptions) {
    this.#baseUrl = String(options.baseUrl).replace(/\/+$/, "");
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * Activates a license on this device (`POST /api/v1/activations`) and returns the activation
   * and its license file. Activating again on the same device returns the same activation.
   *
   * @throws LicentraError when the server refuses (e.g. no free seat, unknown ticket).
   */
  async activate(input: ActivationInput): Promise<ActivateResult> {
    const { status, body } = await this.#post("/api/v1/activations", activationBody(input));
    return { ...activationResult(status, body), created: status === 201 };
  }

  /**
   * Fetches a new license file for an activation (`POST /api/v1/activations/{id}/refresh`), with
   * the license's current values and a new file expiry.
   *
   * @throws LicentraError when the server refuses (e.g. license revoked, activation returned).
   */
  async refresh(input: ActivationCredentials): Promise<ActivationResult> {
    const { status, body } = await this.#post(
      activationPath(input.activationId, "refresh"),
      credentialsBody(input),
    );
    return activationResult(status, body);
  }

  /**
   * Returns (deactivates) an activation (`POST /api/v1/activations/{id}/return`), freeing its seat.
   * The device's license file stops validating online and cannot be refreshed.
   *
   * @throws LicentraError when the server refuses.
   */
  async returnActivation(input: ActivationCredentials): Promise<{ activation: Activation }> {
    const { status, body } = await this.#post(
      activationPath(input.activationId, "return"),
      credentialsBody(input),
    );
    return { activation: activationOf(status, body) };
  }

  /**
   * Validates online (`POST /api/v1/validate`): the same checks as offline verification plus
   * revocation and returned activations (`REVOKED`, `NOT_ACTIVATED`). An invalid license is a
   * result, not an error.
   *
   * @throws LicentraError when the request itself fails.
   */
  async validate(input: OnlineValidateInput): Promise<ValidationResult> {
    const request: Record<string, unknown> = {
      licenseFile: input.licenseFile,
      license: input.license,
      fingerprint: input.fingerprint,
      productCode: input.productCode,
      features: input.features,
      buildDate: input.buildDate === undefined ? undefined : buildDay(input.buildDate),
    };
    const { status, body } = await this.#post("/api/v1/validate", request);
    const result = body as Partial<ValidationResult> | undefined;
    if (typeof result?.valid !== "boolean" || typeof result.code !== "string") {
      throw unexpected(status, "a validation result { valid, code, detail }");
    }
    return { valid: result.valid, code: result.code, detail: String(result.detail ?? "") };
  }

  /**
   * Activates from an offline request file's content (`POST /api/v1/activations/offline`), as a
   * connected machine does on behalf of one without network access.
   *
   * @throws LicentraError when the server refuses.
   */
  async activateOffline(request: object): Promise<ActivationResult> {
    const { status, body } = await this.#post("/api/v1/activations/offline", request);
    return activationResult(status, body);
  }

  async #post(path: string, payload: object): Promise<{ status: number; body: unknown }> {
    let response: Response;
    try {
      response = await this.#fetch(`${this.#baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === "TimeoutError";
      throw new LicentraError(
        0,
        timedOut ? "TIMEOUT" : "NETWORK_ERROR",
        timedOut
          ? `no answer from ${this.#baseUrl} within ${this.#timeoutMs} ms`
          : `cannot reach ${this.#baseUrl}: ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) throw errorOf(response, body, text);
    return { status: response.status, body };
  }
}

function activationBody(input: ActivationInput): object {
  if (input.license === undefined && input.productCode === undefined) {
    throw new TypeError("activation needs license or productCode to name what to activate");
  }
  return {
    ticket: input.ticket,
    license: input.license,
    productCode: input.productCode,
    fingerprint: input.fingerprint,
    deviceName: input.deviceName,
    parameters: input.parameters,
  };
}

function credentialsBody(input: ActivationCredentials): object {
  if ((input.ticket === undefined) === (input.licenseFile === undefined)) {
    throw new TypeError("give exactly one of ticket and licenseFile to prove the right to the activation");
  }
  return input.ticket === undefined ? { licenseFile: input.licenseFile } : { ticket: input.ticket };
}

function activationPath(activationId: string, action: "refresh" | "return"): string {
  return `/api/v1/activations/${encodeURIComponent(activationId)}/${action}`;
}

function activationResult(status: number, body: unknown): ActivationResult {
  const licenseFile = (body as { licenseFile?: unknown } | undefined)?.licenseFile;
  if (typeof licenseFile !== "string") throw unexpected(status, "{ activation, licenseFile }");
  return { activation: activationOf(status, body), licenseFile };
}

function activationOf(status: number, body: unknown): Activation {
  const activation = (body as { activation?: Partial<Activation> } | undefined)?.activation;
  if (typeof activation?.id !== "string") throw unexpected(status, "{ activation: { id, … } }");
  return activation as Activation;
}

function errorOf(response: Response, body: unknown, text: string): LicentraError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
    ?.error;
  if (typeof error?.code === "string") {
    return new LicentraError(response.status, error.code, String(error.message ?? error.code), error.details);
  }
  return new LicentraError(
    response.status,
    "HTTP_ERROR",
    `the server answered HTTP ${response.status} ${response.statusText}`.trimEnd(),
    text === "" ? undefined : { body: text.slice(0, 1000) },
  );
}

function unexpected(status: number, expected: string): LicentraError {
  return new LicentraError(
    status,
    "UNEXPECTED_RESPONSE",
    `the server answered HTTP ${status} without ${expected}`,
  );
}

function buildDay(date: string | Date): string {
  const day = toUtcDay(date);
  if (day === undefined) throw new TypeError(`buildDate ${String(date)} is not a valid date`);
  return day;
}
