import { readFile, rename, rm, writeFile } from "node:fs/promises";
import type { ActivationInput } from "./online.ts";

/** The `type` of an offline activation request file. */
export const OFFLINE_REQUEST_TYPE = "licentra-activation-request";

/**
 * An offline activation request (docs/LICENSE-FILE.md): written on a machine without network
 * access, uploaded from a connected one (`LicentraClient.activateOffline` or the depot), answered
 * with the license file.
 */
export interface OfflineActivationRequest {
  /** Always `licentra-activation-request`. */
  type: typeof OFFLINE_REQUEST_TYPE;
  /** Format version, 1. */
  version: 1;
  /** The order's ticket. */
  ticket: string;
  /** The license id to activate; this or `productCode` is present. */
  license?: string;
  /** The product code to activate; this or `license` is present. */
  productCode?: number;
  /** The device's fingerprint. */
  fingerprint: string;
  /** The device's name. */
  deviceName: string;
  /** Activation-specific parameter values. */
  parameters: Record<string, unknown>;
  /** When the request was made, ISO 8601. */
  createdAt: string;
}

/**
 * Builds an offline activation request for this device.
 *
 * @param input what to activate; `now` sets `createdAt` (default: the current time).
 * @throws TypeError when neither `license` nor `productCode` is given.
 */
export function createOfflineRequest(input: ActivationInput & { now?: Date }): OfflineActivationRequest {
  if (input.license === undefined && input.productCode === undefined) {
    throw new TypeError(
      "an offline activation request needs license or productCode to name what to activate",
    );
  }
  return {
    type: OFFLINE_REQUEST_TYPE,
    version: 1,
    ticket: input.ticket,
    ...(input.license === undefined ? {} : { license: input.license }),
    ...(input.productCode === undefined ? {} : { productCode: input.productCode }),
    fingerprint: input.fingerprint,
    deviceName: input.deviceName,
    parameters: input.parameters ?? {},
    createdAt: (input.now ?? new Date()).toISOString(),
  };
}

/** Writes an offline activation request file (pretty-printed JSON) for the customer to upload. */
export async function writeOfflineRequestFile(
  path: string,
  request: OfflineActivationRequest,
): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(request, null, 2)}\n`);
}

/**
 * Reads an offline activation request file, e.g. on the connected machine that uploads it.
 *
 * @throws Error when the file is unreadable, not JSON, or not a version-1 activation request.
 */
export async function readOfflineRequestFile(path: string): Promise<OfflineActivationRequest> {
  const request = JSON.parse(await readFile(path, "utf8")) as Partial<OfflineActivationRequest> | null;
  if (request?.type !== OFFLINE_REQUEST_TYPE || request.version !== 1) {
    throw new Error(`${path} is not a version 1 ${OFFLINE_REQUEST_TYPE} file`);
  }
  return request as OfflineActivationRequest;
}

/** Reads a license file as stored on the device, without surrounding whitespace. */
export async function readLicenseFile(path: string): Promise<string> {
  return (await readFile(path, "utf8")).trim();
}

/**
 * Stores a license file on the device. The file is replaced atomically, so a crash while writing
 * never leaves a truncated license behind.
 */
export async function writeLicenseFile(path: string, licenseFile: string): Promise<void> {
  await writeFileAtomic(path, `${licenseFile.trim()}\n`);
}

async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temporary, content, "utf8");
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
