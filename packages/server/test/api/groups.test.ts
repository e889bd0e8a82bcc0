import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiResponse, dialects, startTestServer, type TestServer } from "../support/harness.ts";
import { clientFor, createAdmin, createGroup, createUser, ROOT_GROUP_ID } from "../support/partners.ts";

type Group = { id: string; name: string; parentId: string | null; path: string };

describe.each(await dialects())("groups on %s", (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
  });
  afterAll(() => s.close());

  const get = async (id: string) => (await s.api.get(`/api/v1/groups/${id}`)).body as Group;

  it("builds a tree under the vendor's root group and lists it with parents and paths", async () => {
    const a = await createGroup(s.api, "ACME Resellers");
    const a1 = await createGroup(s.api, "ACME North", a.id);
    expect(a).toMatchObject({ parentId: ROOT_GROUP_ID, path: `/${ROOT_GROUP_ID}/${a.id}/` });
    expect(a1).toMatchObject({ parentId: a.id, path: `${a.path}${a1.id}/` });
    expect(await get(a1.id)).toEqual(a1);
    const list = await s.api.get("/api/v1/groups?limit=200");
    expect(list.status).toBe(200);
    const ids = list.body.data.map((g: Group) => g.id);
    expect(ids[0]).toBe(ROOT_GROUP_ID);
    expect(ids.indexOf(a.id)).toBeLessThan(ids.indexOf(a1.id));
    expect(list.body.data[0]).toMatchObject({ name: "Vendor", parentId: null, path: `/${ROOT_GROUP_ID}/` });
  });

  it("pages through groups with a cursor", async () => {
    const parent = await createGroup(s.api, "Paged");
    for (const name of ["p1", "p2", "p3"]) await createGroup(s.api, name, parent.id);
    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page: ApiResponse = await s.api.get(
        `/api/v1/groups?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((g: Group) => g.id));
      cursor = page.body.nextCursor;
    }
    const all = (await s.api.get("/api/v1/groups?limit=200")).body.data.map((g: Group) => g.id);
    expect(seen).toEqual(all);
  });

  it("renames a group, trimming the name, and refuses a blank one naming the field", async () => {
    const g = await createGroup(s.api, "Old name");
    const renamed = await s.api.patch(`/api/v1/groups/${g.id}`, { name: "  New name  " });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: g.id, name: "New name", path: g.path });
    const blank = await s.api.patch(`/api/v1/groups/${g.id}`, { name: "   " });
    expect(blank.status).toBe(400);
    expect(blank.body.error.details.issues[0].field).toBe("name");
    expect((await get(g.id)).name).toBe("New name");
  });

  it("moves a group with its subtree and rewrites the path of every descendant", async () => {
    const a = await createGroup(s.api, "A");
    const a1 = await createGroup(s.api, "A1", a.id);
    const a1x = await createGroup(s.api, "A1x", a1.id);
    const b = await createGroup(s.api, "B");
    const moved = await s.api.post(`/api/v1/groups/${a1.id}/move`, { parentId: b.id });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ id: a1.id, parentId: b.id, path: `${b.path}${a1.id}/` });
    expect(await get(a1x.id)).toMatchObject({ parentId: a1.id, path: `${b.path}${a1.id}/${a1x.id}/` });
    expect((await get(a.id)).path).toBe(a.path);
    const audit = await s.api.get(
      `/api/v1/audit-events?entityType=group&entityId=${a1.id}&action=group.moved`,
    );
    expect(audit.body.data[0]).toMatchObject({
      before: { parentId: a.id, path: a1.path },
      after: { parentId: b.id, path: `${b.path}${a1.id}/` },
    });
  });

  it("refuses to move a group under itself or its descendants, changing nothing", async () => {
    const a = await createGroup(s.api, "Top");
    const a1 = await createGroup(s.api, "Middle", a.id);
    const a1x = await createGroup(s.api, "Bottom", a1.id);
    for (const parentId of [a1x.id, a1.id, a.id]) {
      const res = await s.api.post(`/api/v1/groups/${a.id}/move`, { parentId });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe("GROUP_CYCLE");
      expect(res.body.error.details.field).toBe("parentId");
    }
    expect(await get(a.id)).toEqual(a);
    expect(await get(a1x.id)).toEqual(a1x);
    const root = await s.api.post(`/api/v1/groups/${ROOT_GROUP_ID}/move`, { parentId: a.id });
    expect(root.status).toBe(403);
  });

  it("deletes a group only when it is empty, naming what is left", async () => {
    const g = await createGroup(s.api, "To delete");
    const sub = await createGroup(s.api, "Sub", g.id);
    const withSub = await s.api.delete(`/api/v1/groups/${g.id}`);
    expect(withSub.status).toBe(409);
    expect(withSub.body.error).toMatchObject({
      code: "GROUP_NOT_EMPTY",
      details: { subgroups: 1, users: 0, orders: 0 },
    });
    const user = await createUser(s.api, sub.id);
    const withUser = await s.api.delete(`/api/v1/groups/${sub.id}`);
    expect(withUser.status).toBe(409);
    expect(withUser.body.error.details).toEqual({ subgroups: 0, users: 1, orders: 0 });
    await s.api.patch(`/api/v1/users/${user.id}`, { groupId: ROOT_GROUP_ID, isAdmin: false });
    expect((await s.api.delete(`/api/v1/groups/${sub.id}`)).status).toBe(204);
    expect((await s.api.delete(`/api/v1/groups/${g.id}`)).status).toBe(204);
    expect((await s.api.get(`/api/v1/groups/${g.id}`)).status).toBe(404);
    expect((await s.api.delete(`/api/v1/groups/${ROOT_GROUP_ID}`)).status).toBe(403);
  });

  it("rejects bad input naming the field and the rule, creating nothing", async () => {
    const before = (await s.api.get("/api/v1/groups?limit=200")).body.data.length;
    const noName = await s.api.post("/api/v1/groups", { parentId: ROOT_GROUP_ID });
    expect(noName.status).toBe(400);
    expect(noName.body.error.details.issues).toEqual([{ field: "name", message: "is required" }]);
    const badParent = await s.api.post("/api/v1/groups", { name: "X", parentId: "not-a-uuid" });
    expect(badParent.status).toBe(400);
    expect(badParent.body.error.message).toMatch(/^parentId:/);
    const unknownParent = await s.api.post("/api/v1/groups", {
      name: "X",
      parentId: "01a229bc-0000-7000-8000-000000000000",
    });
    expect(unknownParent.status).toBe(400);
    expect(unknownParent.body.error.details.issues[0]).toMatchObject({ field: "parentId" });
    expect((await s.api.get("/api/v1/groups?limit=200")).body.data.length).toBe(before);
  });

  it("confines an admin to its group's subtree: groups outside it do not exist for it", async () => {
    const reseller = await createGroup(s.api, "Reseller");
    const sibling = await createGroup(s.api, "Sibling reseller");
    const { client: admin } = await createAdmin(s.api, reseller.id);

    const branch = await createGroup(admin, "Branch", reseller.id);
    const shop = await createGroup(admin, "Shop", branch.id);
    const list = (await admin.get("/api/v1/groups?limit=200")).body.data.map((g: Group) => g.id);
    expect(list).toEqual([reseller.id, branch.id, shop.id]);

    for (const id of [sibling.id, ROOT_GROUP_ID]) {
      expect((await admin.get(`/api/v1/groups/${id}`)).status).toBe(404);
      expect((await admin.patch(`/api/v1/groups/${id}`, { name: "Mine" })).status).toBe(404);
      expect((await admin.post(`/api/v1/groups/${id}/move`, { parentId: branch.id })).status).toBe(404);
      expect((await admin.delete(`/api/v1/groups/${id}`)).status).toBe(404);
    }
    const underSibling = await admin.post("/api/v1/groups", { name: "Sneaky", parentId: sibling.id });
    expect(underSibling.status).toBe(400);
    expect(underSibling.body.error.details.issues[0].field).toBe("parentId");
    const outOfReach = await admin.post(`/api/v1/groups/${shop.id}/move`, { parentId: sibling.id });
    expect(outOfReach.status).toBe(400);

    const own = await admin.post(`/api/v1/groups/${reseller.id}/move`, { parentId: sibling.id });
    expect(own.status).toBe(403);
    expect((await admin.patch(`/api/v1/groups/${reseller.id}`, { name: "Renamed" })).status).toBe(403);
    expect((await admin.delete(`/api/v1/groups/${reseller.id}`)).status).toBe(403);

    const moved = await admin.post(`/api/v1/groups/${shop.id}/move`, { parentId: reseller.id });
    expect(moved.status).toBe(200);
    expect(moved.body.path).toBe(`${reseller.path}${shop.id}/`);
    expect((await get(sibling.id)).name).toBe("Sibling reseller");
  });

  it("lets a plain user see only its own group and change nothing, whatever its key", async () => {
    const g = await createGroup(s.api, "Plain users");
    const other = await createGroup(s.api, "Other");
    const user = await createUser(s.api, g.id);
    const client = await clientFor(s.api, user);
    const list = await client.get("/api/v1/groups");
    expect(list.body.data.map((x: Group) => x.id)).toEqual([g.id]);
    expect((await client.get(`/api/v1/groups/${g.id}`)).status).toBe(200);
    expect((await client.get(`/api/v1/groups/${other.id}`)).status).toBe(404);
    const create = await client.post("/api/v1/groups", { name: "Mine", parentId: g.id });
    expect(create.status).toBe(403);
    expect(create.body.error.code).toBe("FORBIDDEN");
    expect((await client.patch(`/api/v1/groups/${g.id}`, { name: "Mine" })).status).toBe(403);
    expect((await client.post(`/api/v1/groups/${g.id}/move`, { parentId: other.id })).status).toBe(403);
    expect((await client.delete(`/api/v1/groups/${other.id}`)).status).toBe(403);
  });

  it("needs credentials", async () => {
    const res = await s.api.as(null).get("/api/v1/groups");
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHENTICATED");
  });
});
