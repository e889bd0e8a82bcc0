import { expect } from "vitest";
import type { ApiClient } from "./harness.ts";

let nextCode = 1000;

/** A product with the well-known parameters and one vendor-defined one; override anything. */
export async function createProduct(api: ApiClient, overrides: Record<string, unknown> = {}) {
  const body = {
    code: nextCode++,
    name: "Studio Pro",
    parameters: [
      { key: "expiresAt", label: "Expiry", type: "date", binding: "order", default: "P1Y" },
      { key: "maintenanceUntil", label: "Maintenance", type: "date", binding: "order", default: "P1Y" },
      { key: "seats", label: "Seats", type: "number", binding: "order", default: 1, min: 1, max: 1000 },
      {
        key: "features",
        label: "Features",
        type: "features",
        binding: "order",
        features: ["export", "cloud", "scripting"],
        default: ["export"],
      },
      {
        key: "edition",
        label: "Edition",
        type: "select",
        binding: "order",
        options: ["standard", "pro"],
        default: "standard",
      },
      { key: "region", label: "Region", type: "text", binding: "static", default: "EU" },
    ],
    ...overrides,
  };
  const res = await api.post("/api/v1/products", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** An order of one item; returns the created order. */
export async function createOrder(
  api: ApiClient,
  product: number,
  parameters: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) {
  const res = await api.post("/api/v1/orders", { items: [{ product, parameters }], ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Activates the first license of an order on a device. */
export async function activate(
  api: ApiClient,
  ticket: string,
  license: string,
  fingerprint = "device-fingerprint-0001",
  deviceName = "laptop",
) {
  return api.as(null).post("/api/v1/activations", { ticket, license, fingerprint, deviceName });
}
