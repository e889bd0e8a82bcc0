import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname, networkInterfaces } from "node:os";

/** Where a machine id came from. */
export type MachineIdSource =
  /** Linux (systemd): `/etc/machine-id`. */
  | "machine-id"
  /** Linux (D-Bus): `/var/lib/dbus/machine-id`. */
  | "dbus-machine-id"
  /** macOS: `IOPlatformUUID` from `ioreg -rd1 -c IOPlatformExpertDevice`. */
  | "ioreg"
  /** Windows: `MachineGuid` under `HKLM\SOFTWARE\Microsoft\Cryptography`. */
  | "registry"
  /**
   * Fallback when none of the above is readable: SHA-256 of the host name and the first
   * non-internal MAC address. Less stable: it changes when the host is renamed or the network
   * adapter changes (or randomizes its MAC).
   */
  | "hostname-mac";

/** A machine's identifier and where it was read. */
export interface MachineId {
  /** The identifier as read (trimmed); treat it as private to the machine. */
  id: string;
  /** Where it came from. */
  source: MachineIdSource;
}

/** Options of `deviceFingerprint`. */
export interface DeviceFingerprintOptions {
  /**
   * A per-product salt, so two vendors' (or products') fingerprints of one machine differ and
   * cannot be correlated. Use your product code (`1001` or `"1001"`) unless you have a reason not
   * to; keep it the same forever, or every device will look new.
   */
  salt: string | number;
  /** The machine id to use instead of reading this machine's (for tests, containers, custom ids). */
  machineId?: string;
}

const COMMAND_TIMEOUT_MS = 5000;
let cachedMachineId: MachineId | undefined;

/**
 * Reads this machine's stable identifier: `/etc/machine-id` or `/var/lib/dbus/machine-id` on
 * Linux (and other Unix systems that have them), `IOPlatformUUID` on macOS, `MachineGuid` on
 * Windows, falling back to a hash of the host name and the first non-internal MAC address (see
 * `MachineIdSource`). Read once per process; never throws.
 */
export function readMachineId(): MachineId {
  cachedMachineId ??= readPlatformMachineId() ?? hostnameMacId();
  return cachedMachineId;
}

/**
 * This device's fingerprint for activations: lowercase hex SHA-256 of `${salt}:${machineId}`.
 * It is stable across restarts and upgrades of the software, and differs per salt.
 */
export function deviceFingerprint(options: DeviceFingerprintOptions): string {
  const machineId = options.machineId ?? readMachineId().id;
  return sha256Hex(`${options.salt}:${machineId}`);
}

function readPlatformMachineId(): MachineId | undefined {
  if (process.platform === "darwin") {
    const output = runCommand("ioreg", ["-rd1", "-c", "IOPlatformExpertDevice"]);
    const uuid = output?.match(/"IOPlatformUUID"\s*=\s*"([^"]+)"/)?.[1];
    return uuid === undefined ? undefined : { id: uuid, source: "ioreg" };
  }
  if (process.platform === "win32") {
    // /reg:64 reads the 64-bit registry view even from a 32-bit Node, where MachineGuid lives.
    const output = runCommand("reg", [
      "query",
      "HKLM\\SOFTWARE\\Microsoft\\Cryptography",
      "/v",
      "MachineGuid",
      "/reg:64",
    ]);
    const guid = output?.match(/MachineGuid\s+REG_SZ\s+(\S+)/)?.[1];
    return guid === undefined ? undefined : { id: guid, source: "registry" };
  }
  return (
    readIdFile("/etc/machine-id", "machine-id") ?? readIdFile("/var/lib/dbus/machine-id", "dbus-machine-id")
  );
}

function readIdFile(path: string, source: MachineIdSource): MachineId | undefined {
  try {
    const id = readFileSync(path, "utf8").trim();
    // Some container images ship an empty machine-id, or the "uninitialized" placeholder.
    return id === "" || id === "uninitialized" ? undefined : { id, source };
  } catch {
    return undefined;
  }
}

function runCommand(command: string, args: string[]): string | undefined {
  try {
    return execFileSync(command, args, {
      encoding: "utf8",
      timeout: COMMAND_TIMEOUT_MS,
      stdio: ["ignore", "pipe", "ignore"],
      windowsHide: true,
    });
  } catch {
    return undefined;
  }
}

function hostnameMacId(): MachineId {
  const interfaces = networkInterfaces();
  // Sorted by name, so the choice does not depend on the order the OS lists adapters in.
  const mac = Object.keys(interfaces)
    .sort()
    .flatMap((name) => interfaces[name] ?? [])
    .find((address) => !address.internal && address.mac !== "00:00:00:00:00:00")?.mac;
  return { id: sha256Hex(`${hostname()}|${mac ?? ""}`), source: "hostname-mac" };
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
