import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, startTestServer, type TestServer } from "../support/harness.ts";
import { createGroup, createUser } from "../support/partners.ts";
import { parseCsv, textOf, WebClient } from "../support/web.ts";

const SECRET = /<code id="new-key">(lic_[A-Za-z0-9_-]+)<\/code>/;

describe.each(await dialects())("the API keys page on %s", (dialect) => {
  let s: TestServer;
  let web: WebClient;
  let user: { id: string; email: string; password: string };
  let otherKeyId: string;
  let otherSecret: string;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    const group = await createGroup(s.api, "Reseller A");
    user = await createUser(s.api, group.id, { name: "Kai Keys" });
    const other = await createUser(s.api, group.id, { name: "Olga Other" });
    const key = await s.api.post("/api/v1/api-keys", { name: "Olga's ERP", user: other.email });
    otherKeyId = key.body.apiKey.id;
    otherSecret = key.body.secret;
    web = await new WebClient(s.url).signIn(user.email, user.password);
  });
  afterAll(() => s.close());

  /** The id of the key named `name` in the list, from its revoke link. */
  const keyId = (html: string, name: string) => {
    const m = new RegExp(`href="/api-keys/([^"/]+)/revoke" aria-label="Revoke ${name}"`).exec(html);
    expect(m, `a revoke link for ${name}`).not.toBeNull();
    return m![1]!;
  };

  it("lists no keys at first, and only the user's own keys", async () => {
    const page = await web.get("/api-keys");
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain("You have no API keys yet.");
    expect(page.html).not.toContain("Olga");
  });

  it("shows the field's error and creates nothing when the name is missing", async () => {
    const res = await web.post("/api-keys", { name: "  " });
    expect(res.status).toBe(400);
    expect(res.html).toMatch(/id="f-name-error"[^>]*>.*Fill in this field\./s);
    expect(textOf((await web.get("/api-keys")).html)).toContain("You have no API keys yet.");
  });

  it("refuses a post without the page's CSRF token", async () => {
    const res = await web.post("/api-keys", { name: "Forged" }, { csrf: false });
    expect(res.status).toBe(403);
    expect(textOf((await web.get("/api-keys")).html)).not.toContain("Forged");
  });

  it("creates a key, shows its secret once, and the secret authenticates against the API", async () => {
    await web.get("/api-keys");
    const res = await web.post("/api-keys", { name: "ERP integration" });
    expect(res.status).toBe(201);
    expect(res.location).toBeNull();
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("set-cookie") ?? "").not.toContain("licentra_flash");
    const secret = SECRET.exec(res.html)?.[1];
    expect(secret).toBeDefined();
    expect(textOf(res.html)).toContain("it is shown only this once");

    const api = s.api.as(secret!);
    const keys = await api.get("/api/v1/api-keys");
    expect(keys.status).toBe(200);
    expect(keys.body.data.map((k: { name: string }) => k.name)).toEqual(["ERP integration"]);

    const again = await web.get("/api-keys");
    expect(again.html).not.toContain(secret!);
    const text = textOf(again.html);
    expect(text).toContain("ERP integration");
    expect(text).toContain(`${secret!.slice(0, 12)}…`);
    expect(text).toContain("Active");
  });

  it("exports the keys as CSV, without secrets", async () => {
    const res = await web.get("/api-keys.csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const rows = parseCsv(res.html);
    expect(rows[0]).toEqual(["name", "prefix", "createdAt", "lastUsedAt", "revokedAt"]);
    expect(rows.slice(1).map((r) => r[0])).toEqual(["ERP integration"]);
    expect(rows[1]![1]).toMatch(/^lic_.{8}$/);
    expect(rows[1]![4]).toBe("");
  });

  it("revokes a key after a confirmation; the key then answers 401", async () => {
    const created = await web.post("/api-keys", { name: "Web shop" });
    const secret = SECRET.exec(created.html)![1]!;
    expect((await s.api.as(secret).get("/api/v1/api-keys")).status).toBe(200);
    const id = keyId(created.html, "Web shop");

    const confirm = await web.get(`/api-keys/${id}/revoke`);
    expect(confirm.status).toBe(200);
    expect(textOf(confirm.html)).toContain("Revoke the key “Web shop”?");
    const revoked = await web.post(`/api-keys/${id}/revoke`, {});
    expect(revoked.status).toBe(303);
    expect(revoked.location).toBe("/api-keys");
    const list = await web.get("/api-keys");
    const text = textOf(list.html);
    expect(text).toContain("The key “Web shop” was revoked");
    expect(text).toMatch(/Web shop lic_\S+… .* Revoked/);
    expect((await s.api.as(secret).get("/api/v1/api-keys")).status).toBe(401);
    const csv = parseCsv((await web.get("/api-keys.csv")).html);
    expect(csv.find((r) => r[0] === "Web shop")![4]).not.toBe("");
  });

  it("answers 404 for another user's key and leaves it working", async () => {
    expect((await web.get(`/api-keys/${otherKeyId}/revoke`)).status).toBe(404);
    await web.get("/api-keys");
    expect((await web.post(`/api-keys/${otherKeyId}/revoke`, {})).status).toBe(404);
    expect((await s.api.as(otherSecret).get("/api/v1/api-keys")).status).toBe(200);
  });
});
