import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, startTestServer, type TestServer } from "../support/harness.ts";
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  CookieClient,
  clientFor,
  createAdmin,
  createGroup,
  createUser,
  ROOT_GROUP_ID,
} from "../support/partners.ts";
import { textOf, WebClient } from "../support/web.ts";

const HOUR = 3600_000;

describe.each(await dialects())("sessions on %s", (dialect) => {
  let s: TestServer;
  let reseller: { id: string; path: string };
  beforeAll(async () => {
    s = await startTestServer(dialect);
    reseller = await createGroup(s.api, "Session reseller");
  });
  afterAll(() => s.close());

  const browser = () => new CookieClient(s.url);

  it("signs in with the email in any case and sets an HttpOnly, SameSite=Lax cookie for 12 hours", async () => {
    const b = browser();
    const res = await b.signIn(ADMIN_EMAIL.toUpperCase(), ADMIN_PASSWORD);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.user).toMatchObject({ email: ADMIN_EMAIL, isIsvAdmin: true });
    expect(res.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(res.body.expiresAt) - s.clock.now().getTime()).toBe(12 * HOUR);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^licentra_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; Max-Age=43200/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);

    const current = await b.get("/api/v1/session");
    expect(current.status).toBe(200);
    expect(current.body).toEqual(res.body);
    expect((await b.get("/api/v1/users/me")).body.email).toBe(ADMIN_EMAIL);
  });

  it("stores only the SHA-256 of the session token", async () => {
    const b = browser();
    await b.signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    const token = b.cookie!.split("=")[1]!;
    const ids = (await s.rt.handle.db.selectFrom("sessions").select("id").execute()).map((r) => r.id);
    expect(ids).not.toContain(token);
    expect(ids).toContain(createHash("sha256").update(token).digest("hex"));
  });

  it("marks the cookie Secure when PUBLIC_URL is https", async () => {
    const https = await startTestServer(dialect, { PUBLIC_URL: "https://licenses.example.com" });
    try {
      const res = await new CookieClient(https.url).signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
      expect(res.headers.get("set-cookie")).toMatch(/; Secure/);
    } finally {
      await https.close();
    }
  });

  it("fails alike for an unknown email and a wrong password", async () => {
    const unknown = await browser().signIn("nobody@nowhere.test", ADMIN_PASSWORD);
    const wrong = await browser().signIn(ADMIN_EMAIL, "not the password");
    for (const res of [unknown, wrong]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("LOGIN_FAILED");
      expect(res.headers.get("set-cookie")).toBeNull();
    }
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
    // The admin's failure is forgiven by its next success, so later tests start clean.
    expect((await browser().signIn(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
  });

  it("refuses disabled users and users without a password", async () => {
    const disabled = await createUser(s.api, reseller.id);
    await s.api.post(`/api/v1/users/${disabled.id}/disable`);
    const res = await browser().signIn(disabled.email, disabled.password);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("LOGIN_FAILED");

    const passwordless = await createUser(s.api, reseller.id, { password: undefined });
    expect((await browser().signIn(passwordless.email, "")).status).toBe(401);
    await s.api.patch(`/api/v1/users/${passwordless.id}`, { password: "now it has one" });
    expect((await browser().signIn(passwordless.email, "now it has one")).status).toBe(200);
  });

  it("ends a session when its user is disabled", async () => {
    const user = await createUser(s.api, reseller.id);
    const b = browser();
    await b.signIn(user.email, user.password);
    expect((await b.get("/api/v1/users/me")).status).toBe(200);
    await s.api.post(`/api/v1/users/${user.id}/disable`);
    expect((await b.get("/api/v1/users/me")).status).toBe(401);
  });

  it("needs the session's CSRF token for every write made with the cookie", async () => {
    const { user } = await createAdmin(s.api, reseller.id);
    const b = browser();
    await b.signIn(user.email, user.password);
    const body = { name: "Via cookie", parentId: reseller.id };

    const missing = await b.post("/api/v1/groups", body, false);
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe("CSRF_FAILED");
    const forged = await b.request("POST", "/api/v1/groups", body, { headers: { "x-csrf-token": "guess" } });
    expect(forged.status).toBe(403);
    expect((await b.delete("/api/v1/session", false)).status).toBe(403);
    const names = (await s.api.get("/api/v1/groups?limit=200")).body.data.map(
      (g: { name: string }) => g.name,
    );
    expect(names).not.toContain("Via cookie");

    expect((await b.get("/api/v1/groups")).status).toBe(200);
    const created = await b.post("/api/v1/groups", body);
    expect(created.status).toBe(201);
    // The cookie acts as the user, through the partner portal.
    const audit = await s.api.get(`/api/v1/audit-events?entityId=${created.body.id}&action=group.created`);
    expect(audit.body.data[0]).toMatchObject({ channel: "portal", actor: { type: "user", id: user.id } });
  });

  it("records an ISV admin's cookie requests as the console", async () => {
    const b = browser();
    await b.signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    const created = await b.post("/api/v1/groups", { name: "From the console", parentId: reseller.id });
    const audit = await s.api.get(`/api/v1/audit-events?entityId=${created.body.id}`);
    expect(audit.body.data[0].channel).toBe("console");
  });

  it("keeps a session cookie to the rights of its user", async () => {
    const user = await createUser(s.api, reseller.id);
    const b = browser();
    await b.signIn(user.email, user.password);
    const res = await b.post("/api/v1/groups", { name: "Not allowed", parentId: reseller.id });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
  });

  it("signs out: the session row is deleted and the cookie cleared", async () => {
    const b = browser();
    await b.signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    const cookie = b.cookie!;
    const out = await b.delete("/api/v1/session");
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/^licentra_session=;.*Expires=Thu, 01 Jan 1970/);
    expect(b.cookie).toBeNull();
    b.cookie = cookie;
    const after = await b.get("/api/v1/session");
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("UNAUTHENTICATED");
  });

  it("answers 401 to session routes without a cookie, even with an API key", async () => {
    expect((await browser().get("/api/v1/session")).status).toBe(401);
    expect((await s.api.get("/api/v1/session")).status).toBe(401);
  });

  it("ends sessions 12 hours after signing in, however much they are used", async () => {
    const b = browser();
    await b.signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    s.clock.advance(12 * HOUR - 1000);
    expect((await b.get("/api/v1/session")).status).toBe(200);
    s.clock.advance(1000);
    expect((await b.get("/api/v1/session")).status).toBe(401);
  });

  it("delays sign-ins after five failures, even with the right password, doubling the wait", async () => {
    const user = await createUser(s.api, reseller.id);
    const attempt = (password: string) => browser().signIn(user.email, password);
    for (let i = 1; i <= 5; i++) expect((await attempt("wrong password")).status).toBe(401);

    const locked = await attempt(user.password);
    expect(locked.status).toBe(429);
    expect(locked.body.error).toMatchObject({ code: "LOGIN_LOCKED", details: { retryAfterSeconds: 30 } });
    s.clock.advance(29_000);
    expect((await attempt(user.password)).status).toBe(429);
    s.clock.advance(1_000);

    expect((await attempt("wrong again")).status).toBe(401);
    const longer = await attempt(user.password);
    expect(longer.status).toBe(429);
    expect(longer.body.error.details.retryAfterSeconds).toBe(60);
    s.clock.advance(60_000);

    expect((await attempt(user.password)).status).toBe(200);
    expect((await attempt("wrong password")).status).toBe(401);
    expect((await attempt(user.password)).status).toBe(200);
  });

  it("never delays longer than 15 minutes", async () => {
    const user = await createUser(s.api, reseller.id);
    await s.rt.handle.db.updateTable("users").set({ failed_logins: 40 }).where("id", "=", user.id).execute();
    expect((await browser().signIn(user.email, "wrong password")).status).toBe(401);
    const locked = await browser().signIn(user.email, user.password);
    expect(locked.body.error.details.retryAfterSeconds).toBe(900);
    const shown = (await s.api.get(`/api/v1/users/${user.id}`)).body.lockedUntil;
    expect(Date.parse(shown) - s.clock.now().getTime()).toBe(900_000);
    s.clock.advance(900_000);
    expect((await browser().signIn(user.email, user.password)).status).toBe(200);
  });

  it("changes the password and ends the user's other sessions, keeping the current one", async () => {
    const user = await createUser(s.api, reseller.id);
    const here = browser();
    const there = browser();
    await here.signIn(user.email, user.password);
    await there.signIn(user.email, user.password);

    const wrong = await here.post("/api/v1/users/me/password", {
      currentPassword: "not my password",
      newPassword: "a brand new password",
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.issues[0].field).toBe("currentPassword");
    const short = await here.post("/api/v1/users/me/password", {
      currentPassword: user.password,
      newPassword: "short",
    });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toMatch(/^newPassword:/);

    const changed = await here.post("/api/v1/users/me/password", {
      currentPassword: user.password,
      newPassword: "a brand new password",
    });
    expect(changed.status).toBe(204);
    expect((await here.get("/api/v1/users/me")).status).toBe(200);
    expect((await there.get("/api/v1/users/me")).status).toBe(401);
    expect((await browser().signIn(user.email, user.password)).status).toBe(401);
    expect((await browser().signIn(user.email, "a brand new password")).status).toBe(200);
  });

  it("changes the password through an API key too, ending every session", async () => {
    const user = await createUser(s.api, reseller.id);
    const b = browser();
    await b.signIn(user.email, user.password);
    const key = await clientFor(s.api, user);
    const res = await key.post("/api/v1/users/me/password", {
      currentPassword: user.password,
      newPassword: "changed by a script",
    });
    expect(res.status).toBe(204);
    expect((await b.get("/api/v1/users/me")).status).toBe(401);
  });

  it("prefers an API key over a cookie, without asking it for a CSRF token", async () => {
    const b = browser();
    await b.signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    const res = await b.request(
      "POST",
      "/api/v1/groups",
      { name: "Key wins", parentId: reseller.id },
      { headers: { authorization: `Bearer ${s.adminKey}` } },
    );
    expect(res.status).toBe(201);
    const audit = await s.api.get(`/api/v1/audit-events?entityId=${res.body.id}`);
    expect(audit.body.data[0]).toMatchObject({ channel: "api", actor: { type: "api_key" } });
  });
});

describe.each(await dialects())("sign-in attempts per address on %s", (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect, { RATE_LIMIT_LOGINS: "3" });
  });
  afterAll(() => s.close());

  it("refuses the API's and the form's sign-ins beyond the limit, even with the right password", async () => {
    const user = await createUser(s.api, ROOT_GROUP_ID);
    for (let i = 0; i < 3; i++)
      expect((await new CookieClient(s.url).signIn(user.email, "wrong")).status).toBe(401);
    const refused = await new CookieClient(s.url).signIn(user.email, user.password);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);

    // The web form counts against the same address: its page says to wait, and no cookie is set.
    const web = new WebClient(s.url);
    await web.get("/login");
    const form = await web.post("/login", { email: user.email, password: user.password, next: "/" });
    expect(form.status).toBe(429);
    expect(textOf(form.html)).toContain("Too many attempts");
    expect((await web.get("/")).status).toBe(303);
  });
});
