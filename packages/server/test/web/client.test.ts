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
});
