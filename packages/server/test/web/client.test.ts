import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, startTestServer, type TestServer } from "../support/harness.ts";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "../support/partners.ts";
import { textOf, WebClient } from "../support/web.ts";

describe.each(await dialects())("the web test client on %s", (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(() => server.close());

  it("signs in through the form and sees the start page", async () => {
    const web = await new WebClient(server.url).signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    const home = await web.get("/");
    expect(home.status).toBe(200);
    expect(textOf(home.html)).toContain("Your rights");
  });

  it("is sent to sign-in without a session", async () => {
    const res = await new WebClient(server.url).get("/");
    expect(res.status).toBe(303);
    expect(res.location).toBe("/login");
  });

  it("returns a signed-in visitor only to paths of this site, whatever `next` holds", async () => {
    const web = await new WebClient(server.url).signIn("admin@vendor.test", "correct horse battery");
    for (const next of [
      "/%09/evil.test/login",
      "/%0a",
      "%2F%2Fevil.test",
      "/%5Cevil.test",
      "https://evil.test",
    ]) {
      const res = await web.get(`/login?next=${next}`);
      expect(res.status, next).toBe(303);
      expect(res.location, next).toBe("/");
    }
    expect((await web.get("/login?next=/orders%3Fstatus%3Dactive")).location).toBe("/orders?status=active");
  });

  it("takes only the session's token on a form while signed in", async () => {
    // The sign-in page's token comes from the `_csrf` cookie; once signed in it no longer counts.
    const web = new WebClient(server.url);
    await web.get("/login");
    const beforeSignIn = web.csrfToken!;
    await web.signIn("admin@vendor.test", "correct horse battery");
    const fields = {
      currentPassword: "correct horse battery",
      newPassword: "another horse battery",
      confirmPassword: "another horse battery",
    };
    const refused = await web.post("/account/password", { ...fields, _csrf: beforeSignIn });
    expect(refused.status).toBe(403);
    expect(textOf(refused.html)).toContain("The form was too old or did not come from this site");
  });
});
