import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, startTestServer, type TestServer } from "../support/harness.ts";
import {
  ADMIN_EMAIL,
  clientFor,
  createAdmin,
  createCategory,
  createGroup,
  createUser,
  ROOT_GROUP_ID,
} from "../support/partners.ts";

type Effective = {
  category: { id: string; name: string };
  right: string;
  via: string;
  grants: { id: string; grantor: { id: string; email: string | null }; createdAt: string }[];
};

describe.each(await dialects())("users on %s", (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
  });
  afterAll(() => s.close());

  it("creates, reads, lists and changes users without ever showing a password", async () => {
    const g = await createGroup(s.api, "Team");
    const created = await s.api.post("/api/v1/users", {
      email: "sam@team.test",
      name: "Sam",
      groupId: g.id,
      password: "a long enough password",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      email: "sam@team.test",
      name: "Sam",
      groupId: g.id,
      isAdmin: false,
      isIsvAdmin: false,
      enabled: true,
      hasPassword: true,
      lockedUntil: null,
    });
    expect(JSON.stringify(created.body)).not.toMatch(/password_hash|argon2/);
    const id = created.body.id;
    expect((await s.api.get(`/api/v1/users/${id}`)).body).toEqual(created.body);
    const listed = await s.api.get(`/api/v1/users?groupId=${g.id}`);
    expect(listed.body.data.map((u: { id: string }) => u.id)).toEqual([id]);
    const searched = await s.api.get("/api/v1/users?search=SAM@");
    expect(searched.body.data.map((u: { id: string }) => u.id)).toContain(id);

    const changed = await s.api.patch(`/api/v1/users/${id}`, { name: "Samantha", isAdmin: true });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: "Samantha", isAdmin: true });
    expect(changed.body.updatedAt).not.toBeNull();

    const noPassword = await createUser(s.api, g.id, { password: undefined });
    expect((await s.api.get(`/api/v1/users/${noPassword.id}`)).body.hasPassword).toBe(false);
  });

  it("pages through users by email", async () => {
    const g = await createGroup(s.api, "Many");
    for (const e of ["c", "a", "b"]) await createUser(s.api, g.id, { email: `${e}@many.test` });
    const first = await s.api.get(`/api/v1/users?groupId=${g.id}&limit=2`);
    expect(first.body.data.map((u: { email: string }) => u.email)).toEqual(["a@many.test", "b@many.test"]);
    const next = await s.api.get(`/api/v1/users?groupId=${g.id}&limit=2&cursor=${first.body.nextCursor}`);
    expect(next.body).toMatchObject({ data: [{ email: "c@many.test" }], nextCursor: null });
  });

  it("stores emails lower-cased and keeps them unique regardless of case", async () => {
    const g = await createGroup(s.api, "Emails");
    const jane = await createUser(s.api, g.id, { email: "Jane.Doe@Example.COM" });
    expect(jane.email).toBe("jane.doe@example.com");
    const again = await s.api.post("/api/v1/users", {
      email: "JANE.DOE@example.com",
      name: "Other Jane",
      groupId: g.id,
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "EMAIL_TAKEN", details: { field: "email" } });
    const other = await createUser(s.api, g.id);
    const rename = await s.api.patch(`/api/v1/users/${other.id}`, { email: "jane.DOE@EXAMPLE.com" });
    expect(rename.status).toBe(409);
    expect((await s.api.get(`/api/v1/users/${other.id}`)).body.email).toBe(other.email);
  });

  it("rejects a short password or a bad email naming the field and creating nothing", async () => {
    const g = await createGroup(s.api, "Strict");
    const short = await s.api.post("/api/v1/users", {
      email: "short@strict.test",
      name: "Short",
      groupId: g.id,
      password: "123456789",
    });
    expect(short.status).toBe(400);
    expect(short.body.error.details.issues[0].field).toBe("password");
    expect(short.body.error.message).toMatch(/10 characters/);
    const email = await s.api.post("/api/v1/users", { email: "nope", name: "N", groupId: g.id });
    expect(email.status).toBe(400);
    expect(email.body.error.message).toMatch(/^email:/);
    expect((await s.api.get(`/api/v1/users?groupId=${g.id}`)).body.data).toEqual([]);
  });

  it("confines an admin to the users of its subtree", async () => {
    const reseller = await createGroup(s.api, "Reseller R");
    const branch = await createGroup(s.api, "Branch", reseller.id);
    const sibling = await createGroup(s.api, "Sibling S");
    const { user: ra, client: admin } = await createAdmin(s.api, reseller.id);
    const stranger = await createUser(s.api, sibling.id);

    const inBranch = await createUser(admin, branch.id);
    expect(inBranch.groupId).toBe(branch.id);
    const outside = await admin.post("/api/v1/users", { email: "x@s.test", name: "X", groupId: sibling.id });
    expect(outside.status).toBe(400);
    expect(outside.body.error.details.issues[0].field).toBe("groupId");
    const isv = await admin.post("/api/v1/users", { email: "y@s.test", name: "Y", groupId: ROOT_GROUP_ID });
    expect(isv.status).toBe(400);

    const listed = (await admin.get("/api/v1/users?limit=200")).body.data.map((u: { id: string }) => u.id);
    expect(listed.sort()).toEqual([ra.id, inBranch.id].sort());
    expect((await admin.get(`/api/v1/users/${stranger.id}`)).status).toBe(404);
    expect((await admin.patch(`/api/v1/users/${stranger.id}`, { name: "Hacked" })).status).toBe(404);
    expect((await admin.post(`/api/v1/users/${stranger.id}/disable`)).status).toBe(404);
    const away = await admin.patch(`/api/v1/users/${inBranch.id}`, { groupId: sibling.id });
    expect(away.status).toBe(400);
    expect(away.body.error.details.issues[0].field).toBe("groupId");
    const within = await admin.patch(`/api/v1/users/${inBranch.id}`, { groupId: reseller.id });
    expect(within.body.groupId).toBe(reseller.id);
  });

  it("lets a plain user read only itself", async () => {
    const g = await createGroup(s.api, "Plain");
    const user = await createUser(s.api, g.id);
    const peer = await createUser(s.api, g.id);
    const client = await clientFor(s.api, user);
    const me = await client.get("/api/v1/users/me");
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.id, email: user.email });
    expect((await client.get(`/api/v1/users/${user.id}`)).status).toBe(200);
    expect((await client.get(`/api/v1/users/${peer.id}`)).status).toBe(403);
    expect((await client.get("/api/v1/users")).status).toBe(403);
    const create = await client.post("/api/v1/users", { email: "z@plain.test", name: "Z", groupId: g.id });
    expect(create.status).toBe(403);
    expect((await client.patch(`/api/v1/users/${user.id}`, { isAdmin: true })).status).toBe(403);
  });

  it("lets only ISV admins set another user's password, and nobody its own without the current one", async () => {
    const g = await createGroup(s.api, "Passwords");
    const { client: admin } = await createAdmin(s.api, g.id);
    const user = await createUser(admin, g.id, { password: "set at creation" });
    expect(user.email).toMatch(/@partner\.test$/);
    const byAdmin = await admin.patch(`/api/v1/users/${user.id}`, { password: "taken over now" });
    expect(byAdmin.status).toBe(403);
    expect(byAdmin.body.error.details.field).toBe("password");
    const me = (await s.api.get("/api/v1/users/me")).body;
    expect((await s.api.patch(`/api/v1/users/${me.id}`, { password: "without the old one" })).status).toBe(
      403,
    );
    const byIsv = await s.api.patch(`/api/v1/users/${user.id}`, { password: "reset by the vendor" });
    expect(byIsv.status).toBe(200);
  });

  it("disables a user, whose API keys stop working, and enables it again", async () => {
    const g = await createGroup(s.api, "Disabled");
    const user = await createUser(s.api, g.id);
    const client = await clientFor(s.api, user);
    const disabled = await s.api.post(`/api/v1/users/${user.id}/disable`);
    expect(disabled.body.enabled).toBe(false);
    expect((await client.get("/api/v1/users/me")).status).toBe(401);
    await s.api.post(`/api/v1/users/${user.id}/enable`);
    expect((await client.get("/api/v1/users/me")).status).toBe(200);
  });

  describe("grants", () => {
    let category: { id: string; name: string };
    beforeAll(async () => {
      category = await createCategory(s.api, `Partners ${dialect}`);
    });

    const rightsOf = async (id: string) => {
      const res = await s.api.get(`/api/v1/users/${id}/grants`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body.data as Effective[]).filter((e) => e.category.id === category.id);
    };
    const holds = async (id: string) => (await rightsOf(id)).map((e) => e.right);

    it("shows an ISV admin holding every right by being one", async () => {
      const me = (await s.api.get("/api/v1/users/me")).body;
      const rights = await rightsOf(me.id);
      expect(rights.map((r) => [r.right, r.via])).toEqual([
        ["create", "isvAdmin"],
        ["modify", "isvAdmin"],
        ["revoke", "isvAdmin"],
        ["delete", "isvAdmin"],
      ]);
    });

    it("lets an admin grant only rights it holds, to users of its subtree", async () => {
      const g = await createGroup(s.api, "Granting");
      const { user: a, client: admin } = await createAdmin(s.api, g.id);
      const user = await createUser(s.api, g.id);
      const other = await createUser(s.api, (await createGroup(s.api, "Elsewhere")).id);
      await s.api.post(`/api/v1/users/${a.id}/grants`, { categoryId: category.id, rights: ["create"] });

      const lacking = await admin.post(`/api/v1/users/${user.id}/grants`, {
        categoryId: category.id,
        rights: ["create", "modify"],
      });
      expect(lacking.status).toBe(403);
      expect(lacking.body.error.details).toMatchObject({ field: "rights", lacking: ["modify"] });
      expect(await holds(user.id)).toEqual([]);

      const granted = await admin.post(`/api/v1/users/${user.id}/grants`, {
        categoryId: category.id,
        rights: ["create"],
      });
      expect(granted.status).toBe(200);
      expect(granted.body.data.find((e: Effective) => e.category.id === category.id)).toMatchObject({
        right: "create",
        via: "grant",
        grants: [{ grantor: { id: a.id, email: a.email } }],
      });
      const outside = await admin.post(`/api/v1/users/${other.id}/grants`, {
        categoryId: category.id,
        rights: ["create"],
      });
      expect(outside.status).toBe(404);

      const revoked = await admin.post(`/api/v1/users/${user.id}/grants/revoke`, {
        categoryId: category.id,
        rights: ["create"],
      });
      expect(revoked.status).toBe(200);
      expect(await holds(user.id)).toEqual([]);
    });

    it("rejects unknown rights and categories naming the field", async () => {
      const user = await createUser(s.api, ROOT_GROUP_ID);
      const right = await s.api.post(`/api/v1/users/${user.id}/grants`, {
        categoryId: category.id,
        rights: ["fly"],
      });
      expect(right.status).toBe(400);
      expect(right.body.error.message).toMatch(/^rights\.0:/);
      const unknown = await s.api.post(`/api/v1/users/${user.id}/grants`, {
        categoryId: "01a229bd-0000-7000-8000-000000000000",
        rights: ["create"],
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.details.issues[0].field).toBe("category");
    });

    it("revokes in cascade unless another chain from the vendor still gives the right", async () => {
      // ISV → A (admin) → B (admin) → C1 and C2; ISV → D (admin) → C2.
      const ga = await createGroup(s.api, "Cascade A");
      const gb = await createGroup(s.api, "Cascade B", ga.id);
      const gc = await createGroup(s.api, "Cascade C", gb.id);
      const { user: a, client: asA } = await createAdmin(s.api, ga.id);
      const { user: d, client: asD } = await createAdmin(s.api, ga.id);
      const { user: b, client: asB } = await createAdmin(s.api, gb.id);
      const c1 = await createUser(s.api, gc.id);
      const c2 = await createUser(s.api, gc.id);
      const body = { categoryId: category.id, rights: ["create"] };
      for (const admin of [a, d]) await s.api.post(`/api/v1/users/${admin.id}/grants`, body);
      expect((await asA.post(`/api/v1/users/${b.id}/grants`, body)).status).toBe(200);
      for (const c of [c1, c2])
        expect((await asB.post(`/api/v1/users/${c.id}/grants`, body)).status).toBe(200);
      expect((await asD.post(`/api/v1/users/${c2.id}/grants`, body)).status).toBe(200);

      const before = await rightsOf(c2.id);
      expect(before).toHaveLength(1);
      expect(before[0]!.grants.map((g) => g.grantor.email).sort()).toEqual([b.email, d.email].sort());

      const revoked = await s.api.post(`/api/v1/users/${a.id}/grants/revoke`, body);
      expect(revoked.status).toBe(200);
      expect(await holds(a.id)).toEqual([]);
      expect(await holds(b.id)).toEqual([]);
      expect(await holds(c1.id)).toEqual([]);
      const after = await rightsOf(c2.id);
      expect(after).toHaveLength(1);
      expect(after[0]!.grants.map((g) => g.grantor.email)).toEqual([d.email]);

      const cascade = await s.api.get(`/api/v1/audit-events?entityType=grant&action=grant.revoked&limit=200`);
      expect(cascade.body.data.some((e: { before: { cascade?: boolean } }) => e.before.cascade)).toBe(true);
    });

    it("revokes the grants an admin made when it is demoted or disabled", async () => {
      const g = await createGroup(s.api, "Demotion");
      const { user: a, client: asA } = await createAdmin(s.api, g.id);
      const { user: b, client: asB } = await createAdmin(s.api, g.id);
      const u1 = await createUser(s.api, g.id);
      const u2 = await createUser(s.api, g.id);
      const body = { categoryId: category.id, rights: ["create", "modify"] };
      await s.api.post(`/api/v1/users/${a.id}/grants`, body);
      await s.api.post(`/api/v1/users/${b.id}/grants`, body);
      await asA.post(`/api/v1/users/${u1.id}/grants`, body);
      await asB.post(`/api/v1/users/${u2.id}/grants`, body);

      const demoted = await s.api.patch(`/api/v1/users/${a.id}`, { isAdmin: false });
      expect(demoted.status).toBe(200);
      expect(await holds(u1.id)).toEqual([]);
      expect(await holds(a.id)).toEqual(["create", "modify"]);

      await s.api.post(`/api/v1/users/${b.id}/disable`);
      expect(await holds(u2.id)).toEqual([]);
    });

    it("lets a user read its own rights but not another's", async () => {
      const g = await createGroup(s.api, "Readers");
      const user = await createUser(s.api, g.id);
      const peer = await createUser(s.api, g.id);
      await s.api.post(`/api/v1/users/${user.id}/grants`, { categoryId: category.id, rights: ["revoke"] });
      const client = await clientFor(s.api, user);
      const own = await client.get(`/api/v1/users/${user.id}/grants`);
      expect(own.body.data.map((e: Effective) => e.right)).toEqual(["revoke"]);
      expect(own.body.data[0].grants[0].grantor.email).toBe(ADMIN_EMAIL);
      expect((await client.get(`/api/v1/users/${peer.id}/grants`)).status).toBe(404);
      const grant = await client.post(`/api/v1/users/${peer.id}/grants`, {
        categoryId: category.id,
        rights: ["revoke"],
      });
      expect(grant.status).toBe(403);
    });
  });

  it("never removes the last enabled ISV admin", async () => {
    const me = (await s.api.get("/api/v1/users/me")).body;
    for (const change of [{ isAdmin: false }, { enabled: false }]) {
      const res = await s.api.patch(`/api/v1/users/${me.id}`, change);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe("LAST_ISV_ADMIN");
    }
    expect((await s.api.post(`/api/v1/users/${me.id}/disable`)).status).toBe(409);
    const second = await createAdmin(s.api, ROOT_GROUP_ID);
    expect(second.user).toMatchObject({ isAdmin: true });
    expect((await s.api.get(`/api/v1/users/${second.user.id}`)).body.isIsvAdmin).toBe(true);
    const demoted = await s.api.patch(`/api/v1/users/${me.id}`, { isAdmin: false });
    expect(demoted.status).toBe(200);
    expect((await s.api.get("/api/v1/users")).status).toBe(403);
    const lastOne = await second.client.post(`/api/v1/users/${second.user.id}/disable`);
    expect(lastOne.status).toBe(409);
    const restored = await second.client.patch(`/api/v1/users/${me.id}`, { isAdmin: true });
    expect(restored.body.isIsvAdmin).toBe(true);
  });
});
