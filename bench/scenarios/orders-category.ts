import { Api } from "../lib/api.ts";
import { startSeededServer } from "../lib/fixture.ts";
import { measureHttp } from "../lib/http-scenario.ts";
import type { Scenario } from "../lib/types.ts";

const TITLE = "order creation, one item, by a reseller through a category";
const ROOT_GROUP = "00000000-0000-7000-8000-000000000000";

/**
 * The same order as the `orders` scenario, created by a reseller's user with its own API key
 * through a category it holds `create` on: the grant check, the category product's rules and
 * the visibility scope are all paid. The bound: within 20 % of `orders`.
 */
export const ordersCategoryScenario: Scenario = {
  name: "orders-category",
  title: TITLE,
  async run(ctx) {
    const { server, apiKey } = await startSeededServer(ctx, { licenses: 1000, devices: 0 });
    try {
      const url = server.server.url;
      const admin = new Api(url, apiKey);
      const category = await admin.post<{ id: string }>("/api/v1/categories", { name: "Bench partners" });
      const config = {
        parameters: {
          seats: { mode: "flexible", min: 1, max: 10 },
          expiresAt: { mode: "fixed", value: "P1Y" },
        },
      };
      const put = await fetch(`${url}/api/v1/categories/${category.id}/products/4711`, {
        method: "PUT",
        headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
        body: JSON.stringify(config),
      });
      if (put.status !== 200)
        throw new Error(`configuring the category answered ${put.status}: ${await put.text()}`);
      const group = await admin.post<{ id: string }>("/api/v1/groups", {
        name: "Bench reseller",
        parentId: ROOT_GROUP,
      });
      const password = "bench reseller password";
      const user = await admin.post<{ id: string }>("/api/v1/users", {
        email: "reseller@bench.test",
        name: "Reseller",
        groupId: group.id,
        password,
      });
      await admin.post(`/api/v1/users/${user.id}/grants`, { categoryId: category.id, rights: ["create"] });
      const login = await fetch(`${url}/api/v1/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "reseller@bench.test", password }),
      });
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const cookie = login.headers.get("set-cookie")?.split(";")[0] ?? "";
      const keyRes = await fetch(`${url}/api/v1/api-keys`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie, "x-csrf-token": csrfToken },
        body: JSON.stringify({ name: "bench" }),
      });
      const { secret } = (await keyRes.json()) as { secret: string };
      return await measureHttp(ctx, {
        name: "orders-category",
        title: TITLE,
        server: server.server,
        request: {
          method: "POST",
          path: "/api/v1/orders",
          headers: { authorization: `Bearer ${secret}` },
          body: { category: category.id, items: [{ product: 4711, quantity: 1, parameters: { seats: 2 } }] },
        },
      });
    } finally {
      await server.destroy();
    }
  },
};
