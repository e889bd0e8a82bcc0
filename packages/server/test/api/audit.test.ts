import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, startTestServer, type TestServer } from "../support/harness.ts";
import { clientFor, createAdmin, createGroup, createUser } from "../support/partners.ts";

describe.each(await dialects())("the audit log of API keys on %s", (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
  });
  afterAll(() => s.close());

  it("shows a reseller admin the keys created and revoked for its users, and not a sibling's", async () => {
    const reseller = await createGroup(s.api, "Keys reseller");
    const sibling = await createGroup(s.api, "Keys sibling");
    const admin = await createAdmin(s.api, reseller.id);
    const siblingAdmin = await createAdmin(s.api, sibling.id);
    const user = await createUser(s.api, reseller.id);
    const key = await s.api.post("/api/v1/api-keys", { name: "ERP key", user: user.email });
    expect(key.status).toBe(201);
    expect((await admin.client.post(`/api/v1/api-keys/${key.body.apiKey.id}/revoke`)).status).toBe(200);

    const events = async (client: typeof admin.client) => {
      const res = await client.get(`/api/v1/audit-events?entityId=${key.body.apiKey.id}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body.data as { action: string }[]).map((e) => e.action);
    };
    expect(await events(admin.client)).toEqual(["api_key.created", "api_key.revoked"]);
    expect(await events(siblingAdmin.client)).toEqual([]);
    // A plain user reads no audit log at all.
    expect((await (await clientFor(s.api, user)).get("/api/v1/audit-events")).status).toBe(403);
  });
});
