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

const ROOT = "00000000-0000-7000-8000-000000000000";
let nextUser = 0;

/** A group under a parent (default: the vendor's root). */
export async function createGroup(api: ApiClient, name: string, parentId = ROOT) {
  const res = await api.post("/api/v1/groups", { name, parentId });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; name: string; path: string };
}

/** A user of a group with its own API key; `api` acts as that user. */
export async function createUser(
  admin: ApiClient,
  groupId: string,
  options: { isAdmin?: boolean; name?: string } = {},
) {
  const email = `user${++nextUser}-${Math.random().toString(36).slice(2, 8)}@partner.test`;
  const res = await admin.post("/api/v1/users", {
    email,
    name: options.name ?? `User ${nextUser}`,
    groupId,
    isAdmin: options.isAdmin ?? false,
    password: "a long enough password",
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return {
    user: res.body as { id: string; email: string },
    api: await ownKey(admin.as(null), email, "a long enough password"),
  };
}

/** Grants rights on a category, as the given admin. */
export async function grant(admin: ApiClient, userId: string, categoryId: string, rights: string[]) {
  const res = await admin.post(`/api/v1/users/${userId}/grants`, { categoryId, rights });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** A category with products configured in it. */
export async function createCategory(
  api: ApiClient,
  name: string,
  products: Record<number, Record<string, unknown>> = {},
) {
  const res = await api.post("/api/v1/categories", { name });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  for (const [code, parameters] of Object.entries(products)) {
    const put = await api.request("PUT", `/api/v1/categories/${res.body.id}/products/${code}`, {
      parameters,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  }
  return res.body as { id: string; name: string };
}

/** Signs in as a user (session cookie and CSRF token) and creates the user's own API key. */
export async function ownKey(anonymous: ApiClient, email: string, password: string): Promise<ApiClient> {
  const login = await fetch(`${anonymous.url}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const key = await anonymous.post(
    "/api/v1/api-keys",
    { name: "test" },
    { cookie, "x-csrf-token": csrfToken },
  );
  expect(key.status, JSON.stringify(key.body)).toBe(201);
  return anonymous.as(key.body.secret as string);
}
