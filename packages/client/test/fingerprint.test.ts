import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { deviceFingerprint, readMachineId } from "../src/index.ts";
import { sha256Hex } from "./support/fixtures.ts";

describe("deviceFingerprint", () => {
  it("is the lowercase hex SHA-256 of salt:machineId", () => {
    const fingerprint = deviceFingerprint({ salt: 1001, machineId: "4c1e2b1a9f0d4e6b8a7c3d2e1f0a9b8c" });
    expect(fingerprint).toBe(sha256Hex("1001:4c1e2b1a9f0d4e6b8a7c3d2e1f0a9b8c"));
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is stable for this machine across calls", () => {
    const first = deviceFingerprint({ salt: 1001 });
    expect(deviceFingerprint({ salt: 1001 })).toBe(first);
    expect(first).toBe(deviceFingerprint({ salt: 1001, machineId: readMachineId().id }));
  });

  it("differs per salt, so products cannot correlate devices", () => {
    expect(deviceFingerprint({ salt: 1001 })).not.toBe(deviceFingerprint({ salt: 1002 }));
    expect(deviceFingerprint({ salt: "vendor-a", machineId: "m" })).not.toBe(
      deviceFingerprint({ salt: "vendor-b", machineId: "m" }),
    );
  });

  it("treats a numeric product code salt like its string", () => {
    expect(deviceFingerprint({ salt: 1001, machineId: "m" })).toBe(
      deviceFingerprint({ salt: "1001", machineId: "m" }),
    );
  });
});

describe("readMachineId", () => {
  it("reads a non-empty id and names its source", () => {
    const machineId = readMachineId();
    expect(machineId.id).not.toBe("");
    expect(["machine-id", "dbus-machine-id", "ioreg", "registry", "hostname-mac"]).toContain(
      machineId.source,
    );
  });

  it.runIf(process.platform === "linux" && existsSync("/etc/machine-id"))(
    "reads /etc/machine-id on Linux when it is set",
    () => {
      const content = readFileSync("/etc/machine-id", "utf8").trim();
      if (content === "" || content === "uninitialized") {
        expect(readMachineId().source).not.toBe("machine-id");
      } else {
        expect(readMachineId()).toEqual({ id: content, source: "machine-id" });
      }
    },
  );
});
