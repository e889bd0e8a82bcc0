import { expect } from "vitest";
import { ROOT_GROUP_ID } from "../../src/services/context.ts";
import type { ApiClient, ApiResponse } from "./harness.ts";

export { ROOT_GROUP_ID };

/** The first ISV admin's credentials in every test server (see harness `testConfig`). */
export const ADMIN_EMAIL = "admin@vendor.test";
export const ADMIN_PASSWORD = "correct horse battery";

let n = 0;
const unique = () => `${Date.now().toString(36)}${(n++).toString(36)}`;

/** A group under `parentId` (default: the vendor's root). */
export async function createGroup(api: ApiClient, name: string, parentId: string = ROOT_GROUP_ID) {
  const res = await api.post("/api/v1/groups", { name, parentId });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; name: string; parentId: string; path: string };
}

/** A user of a group, with a password so it can sign in. */
export async function createUser(
  api: ApiClient,
  groupId: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; email: string; groupId: string; isAdmin: boolean; password: string }> {
  const password = "a long enough password";
  const body = {
    email: `user-${unique()}@partner.test`,
    name: "Pat Partner",
    groupId,
    password,
    ...overrides,
  };
  const res = await api.post("/api/v1/users", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { ...res.body, password: (body.password as string | undefined) ?? password };
}

/** An API client acting as the user: an ISV admin creates a key for it. */
export async function clientFor(api: ApiClient, user: { email: string }): Promise<ApiClient> {
  const res = await api.post("/api/v1/api-keys", { name: `key of ${user.email}`, user: user.email });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return api.as(res.body.secret);
}

/** An admin user of a group together with a client acting as it. */
export async function createAdmin(api: ApiClient, groupId: string) {
  const user = await createUser(api, groupId, { isAdmin: true });
  return { user, client: await clientFor(api, user) };
}

export async function createCategory(api: ApiClient, name = `Category ${unique()}`) {
  const res = await api.post("/api/v1/categories", { name });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; name: string };
}

/** A browser-like client: keeps the session cookie and sends the CSRF token when told to. */
export class CookieClient {
  cookie: string | null = null;
  csrfToken: string | null = null;

  constructor(readonly url: string) {}

  async signIn(email: string, password: string): Promise<ApiResponse> {
    const res = await this.request("POST", "/api/v1/session", { email, password });
    if (res.status === 200) this.csrfToken = res.body.csrfToken;
    return res;
  }

  /** Sends the cookie; `csrf: true` adds the session's token as `x-csrf-token`. */
  async request(
    method: string,
    path: string,
    body?: unknown,
    options: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(options.csrf && this.csrfToken ? { "x-csrf-token": this.csrfToken } : {}),
        ...options.headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = res.headers.get("set-cookie");
    if (setCookie?.startsWith("licentra_session=")) {
      const value = setCookie.split(";")[0]!;
      this.cookie = value === "licentra_session=" ? null : value;
    }
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  }

  get(path: string) {
    return this.request("GET", path);
  }
  post(path: string, body?: unknown, csrf = true) {
    return this.request("POST", path, body, { csrf });
  }
  patch(path: string, body?: unknown, csrf = true) {
    return this.request("PATCH", path, body, { csrf });
  }
  delete(path: string, csrf = true) {
    return this.request("DELETE", path, undefined, { csrf });
  }
}
