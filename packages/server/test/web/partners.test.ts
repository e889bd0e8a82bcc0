import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, dialects, startTestServer, type TestServer } from "../support/harness.ts";
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createAdmin,
  createCategory,
  createGroup,
  createUser,
  ROOT_GROUP_ID,
} from "../support/partners.ts";
import { parseCsv, textOf, WebClient } from "../support/web.ts";

type Person = { id: string; email: string; password: string };

/** The rights a user holds through the REST API, as `category/right` strings. */
async function rightsOf(api: ApiClient, userId: string): Promise<string[]> {
  const res = await api.get(`/api/v1/users/${userId}/grants`);
  expect(res.status).toBe(200);
  return (res.body.data as { category: { name: string }; right: string }[])
    .map((r) => `${r.category.name}/${r.right}`)
    .sort();
}

async function grant(api: ApiClient, userId: string, categoryId: string, rights: string[]) {
  const res = await api.post(`/api/v1/users/${userId}/grants`, { categoryId, rights });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** The labels of the checkboxes a page offers. */
function checkboxLabels(html: string): string[] {
  const ids = [...html.matchAll(/<input type="checkbox" id="([^"]+)" name="rights"/g)].map((m) => m[1]);
  return ids.map((id) => textOf(new RegExp(`<label for="${id}">([^<]*)</label>`).exec(html)?.[1] ?? ""));
}

describe.each(await dialects())("partner pages on %s", (dialect) => {
  let server: TestServer;
  let api: ApiClient;
  let partnersCat: { id: string; name: string };
  let internalCat: { id: string; name: string };
  let groupA: { id: string };
  let groupA1: { id: string };
  let groupB: { id: string };
  let adminA: Person;
  let adminB: Person;
  let member: Person;
  let webA: WebClient;
  let webB: WebClient;

  async function signedIn(person: { email: string; password: string }) {
    const web = await new WebClient(server.url).signIn(person.email, person.password);
    await web.get("/");
    return web;
  }

  beforeAll(async () => {
    server = await startTestServer(dialect);
    api = server.api;
    partnersCat = await createCategory(api, "Partners");
    internalCat = await createCategory(api, "Internal");
    groupA = await createGroup(api, "Reseller Alpha");
    groupB = await createGroup(api, "Reseller Beta");
    groupA1 = await createGroup(api, "Alpha North", groupA.id);
    adminA = (await createAdmin(api, groupA.id)).user;
    adminB = (await createAdmin(api, groupB.id)).user;
    member = await createUser(api, groupA.id, { name: "Mo Member" });
    await grant(api, adminA.id, partnersCat.id, ["create", "modify"]);
    await grant(api, adminB.id, partnersCat.id, ["create"]);
    webA = await signedIn(adminA);
    webB = await signedIn(adminB);
  });
  afterAll(() => server.close());

  it("shows a reseller admin only its own subtree, with user counts", async () => {
    const res = await webA.get("/partners");
    expect(res.status).toBe(200);
    const text = textOf(res.html);
    expect(text).toContain("Reseller Alpha 2 users · your group");
    expect(text).toContain("Alpha North 0 users");
    expect(text).not.toContain("Reseller Beta");
    expect(text).not.toContain("Vendor");
    expect(res.html).toContain(`href="/partners/groups/${groupA1.id}"`);

    const isv = await signedIn({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    const all = textOf((await isv.get("/partners")).html);
    expect(all).toContain("Vendor");
    expect(all).toContain("Reseller Alpha");
    expect(all).toContain("Reseller Beta");
  });

  it("refuses a group page address it cannot read with 400, and pages by the cursor it offers", async () => {
    for (const query of ["?cursor=a&cursor=b", `?cursor=${"x".repeat(300)}`]) {
      const res = await webA.get(`/partners/groups/${groupA.id}${query}`);
      expect(res.status, query).toBe(400);
      expect(textOf(res.html), query).toContain("The address of this page cannot be read");
    }
    const after = await webA.get(`/partners/groups/${groupA.id}?cursor=${encodeURIComponent(member.email)}`);
    expect(after.status).toBe(200);
    expect(textOf(after.html)).toContain("First page");
    const empty = await webA.get(`/partners/groups/${groupA.id}?cursor=`);
    expect(empty.status).toBe(200);
    expect(textOf(empty.html)).toContain("Mo Member");
  });

  it("answers 403 to users who are not admins", async () => {
    const web = await signedIn(member);
    for (const path of ["/partners", `/partners/groups/${groupA.id}`, `/partners/users/${member.id}`]) {
      const res = await web.get(path);
      expect(res.status, path).toBe(403);
      expect(textOf(res.html)).toContain("Not allowed");
    }
    const post = await web.post("/partners/groups", { name: "Mine", parentId: groupA.id });
    expect(post.status).toBe(403);
    expect(textOf((await webA.get("/partners")).html)).not.toContain("Mine");
  });

  it("creates, renames, moves and deletes an empty group; refuses the rest with the reason", async () => {
    await webA.get("/partners");
    const created = await webA.post("/partners/groups", { name: "Team East", parentId: groupA.id });
    expect(created.status).toBe(303);
    const path = created.location!;
    const id = path.split("/").pop()!;
    const page = await webA.follow(path);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain("The group “Team East” was created.");

    const renamed = await webA.post(`${path}/rename`, { name: "Team West" });
    expect(renamed.status).toBe(303);
    expect(textOf((await webA.follow(path)).html)).toContain("The group is now called “Team West”.");

    // The move form offers neither the group itself nor anything below it.
    const sub = await webA.post(`${path}/subgroups`, { name: "West Inner" });
    expect(sub.status).toBe(303);
    const inner = sub.location!.split("/").pop()!;
    const movePage = await webA.get(path);
    const moveSelect = /<select id="move-parentId"[\s\S]*?<\/select>/.exec(movePage.html)![0];
    expect(moveSelect).toContain(`value="${groupA1.id}"`);
    expect(moveSelect).not.toContain(`value="${id}"`);
    expect(moveSelect).not.toContain(`value="${inner}"`);
    const cycle = await webA.post(`${path}/move`, { parentId: inner });
    expect(cycle.status).toBe(409);
    expect(textOf(cycle.html)).toContain("inside the group's own subtree");

    const moved = await webA.post(`${path}/move`, { parentId: groupA1.id });
    expect(moved.status).toBe(303);
    const tree = await webA.get("/partners");
    expect(tree.html).toMatch(/Alpha North<\/a>[\s\S]*?<ul class="group-tree">[\s\S]*?Team West/);

    const refused = await webA.post(`${path}/delete`, {});
    expect(refused.status).toBe(409);
    expect(textOf(refused.html)).toContain(
      "Group Team West still holds 1 subgroup, 0 users and 0 orders; only an empty group can be deleted.",
    );
    expect((await api.get(`/api/v1/groups/${id}`)).status).toBe(200);

    expect((await webA.post(`/partners/groups/${inner}/delete`, {})).status).toBe(303);
    const deleted = await webA.post(`${path}/delete`, {});
    expect(deleted.status).toBe(303);
    expect(deleted.location).toBe(`/partners/groups/${groupA1.id}`);
    expect(textOf((await webA.follow(deleted.location!)).html)).toContain(
      "The group “Team West” was deleted.",
    );
    expect((await api.get(`/api/v1/groups/${id}`)).status).toBe(404);
  });

  it("offers no changes to an admin's own group and refuses a forged one", async () => {
    const own = await webA.get(`/partners/groups/${groupA.id}`);
    expect(textOf(own.html)).toContain("This is your own group");
    expect(own.html).not.toContain(`action="/partners/groups/${groupA.id}/rename"`);
    const forged = await webA.post(`/partners/groups/${groupA.id}/rename`, { name: "Renamed" });
    expect(forged.status).toBe(403);
    expect((await api.get(`/api/v1/groups/${groupA.id}`)).body.name).toBe("Reseller Alpha");
  });

  it("creates users, with errors next to the fields for a taken email or a weak password", async () => {
    const groupPage = `/partners/groups/${groupA1.id}`;
    await webA.get(groupPage);
    const taken = await webA.post(`${groupPage}/users`, {
      email: adminB.email.toUpperCase(),
      name: "Copy Cat",
      password: "a long enough password",
    });
    expect(taken.status).toBe(409);
    expect(taken.html).toMatch(/id="new-user-email-error">[\s\S]*?is already used by another user/);

    const weak = await webA.post(`${groupPage}/users`, {
      email: "weak@alpha.test",
      name: "Weak Password",
      password: "short",
    });
    expect(weak.status).toBe(400);
    expect(weak.html).toMatch(/id="new-user-password-error">[\s\S]*?Must be at least 10 characters long/);
    expect(weak.html).toContain('value="weak@alpha.test"');
    expect(weak.html).not.toContain('value="short"');
    const none = await api.get(`/api/v1/users?groupId=${groupA1.id}&limit=50`);
    expect(none.body.data).toEqual([]);

    const ok = await webA.post(`${groupPage}/users`, {
      email: "nora@alpha.test",
      name: "Nora North",
      password: "a long enough password",
      isAdmin: "yes",
    });
    expect(ok.status).toBe(303);
    const page = await webA.follow(ok.location!);
    const text = textOf(page.html);
    expect(text).toContain("Nora North (nora@alpha.test) was created.");
    expect(text).toContain("Admin");
    expect(text).toContain("Nora North holds no rights on any category.");

    const list = await webA.get(groupPage);
    expect(textOf(list.html)).toContain("Nora North nora@alpha.test Admin Enabled");
    const csv = parseCsv((await webA.get(`${groupPage}.csv`)).html);
    expect(csv).toEqual([
      ["email", "name", "role", "enabled", "createdAt"],
      ["nora@alpha.test", "Nora North", "admin", "true", expect.any(String)],
    ]);
  });

  it("changes a user's name, admin flag and status", async () => {
    const path = `/partners/users/${member.id}`;
    await webA.get(path);
    const res = await webA.post(path, {
      email: member.email,
      name: "Mo Renamed",
      groupId: groupA.id,
      isAdmin: "yes",
    });
    expect(res.status).toBe(303);
    const page = textOf((await webA.follow(path)).html);
    expect(page).toContain("The changes to Mo Renamed were saved.");
    expect(page).toContain("Disabled");
    const user = (await api.get(`/api/v1/users/${member.id}`)).body;
    expect(user).toMatchObject({ name: "Mo Renamed", isAdmin: true, enabled: false });
    await webA.post(path, { email: member.email, name: "Mo Member", groupId: groupA.id, enabled: "yes" });
    expect((await api.get(`/api/v1/users/${member.id}`)).body).toMatchObject({
      isAdmin: false,
      enabled: true,
    });
  });

  it("offers only the admin's own rights, grants and revokes them, and shows their sources", async () => {
    const user = await createUser(api, groupA.id, { name: "Gus Grantee" });
    const path = `/partners/users/${user.id}`;
    const page = await webA.get(path);
    expect(page.status).toBe(200);
    expect(checkboxLabels(page.html)).toEqual(["Create in Partners", "Modify in Partners"]);
    expect(page.html).not.toContain("Internal");
    expect(page.html).not.toContain('value="revoke">Revoke');

    const granted = await webA.post(`${path}/grants`, {
      categoryId: partnersCat.id,
      rights: ["create", "modify"],
      action: "grant",
    });
    expect(granted.status).toBe(303);
    const after = await webA.follow(path);
    const text = textOf(after.html);
    expect(text).toContain("Granted: Gus Grantee now holds create and modify in Partners.");
    expect(text).toMatch(new RegExp(`Create Granted by ${adminA.email} on`));
    expect(text).toMatch(new RegExp(`Modify Granted by ${adminA.email} on`));
    expect(after.html).toContain('value="revoke"');
    expect(await rightsOf(api, user.id)).toEqual(["Partners/create", "Partners/modify"]);

    const nothing = await webA.post(`${path}/grants`, { categoryId: partnersCat.id, action: "grant" });
    expect(nothing.status).toBe(400);
    expect(textOf(nothing.html)).toContain("Choose at least one right.");

    const revoked = await webA.post(`${path}/grants`, {
      categoryId: partnersCat.id,
      rights: "modify",
      action: "revoke",
    });
    expect(revoked.status).toBe(303);
    expect(textOf((await webA.follow(path)).html)).toContain("Revoked modify in Partners from Gus Grantee.");
    expect(await rightsOf(api, user.id)).toEqual(["Partners/create"]);
  });

  it("refuses a forged grant of a right the admin lacks with 403 and changes nothing", async () => {
    const user = await createUser(api, groupA.id, { name: "Fay Forged" });
    const path = `/partners/users/${user.id}`;
    await webA.get(path);
    for (const [categoryId, right] of [
      [partnersCat.id, "revoke"],
      [partnersCat.id, "delete"],
      [internalCat.id, "create"],
    ] as const) {
      const res = await webA.post(`${path}/grants`, { categoryId, rights: [right], action: "grant" });
      expect(res.status, `${right}`).toBe(403);
      expect(textOf(res.html)).toContain("you can only grant rights you hold");
    }
    const mixed = await webA.post(`${path}/grants`, {
      categoryId: partnersCat.id,
      rights: ["create", "delete"],
      action: "grant",
    });
    expect(mixed.status).toBe(403);
    expect(await rightsOf(api, user.id)).toEqual([]);
  });

  it("reports the grants that fall in cascade when a right is revoked from an admin", async () => {
    const group = await createGroup(api, "Reseller Gamma");
    const { user: admin, client } = await createAdmin(api, group.id);
    const seller = await createUser(api, group.id, { name: "Sam Seller" });
    await grant(api, admin.id, partnersCat.id, ["create"]);
    await grant(client, seller.id, partnersCat.id, ["create"]);

    const isv = await signedIn({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    const path = `/partners/users/${admin.id}`;
    const page = await isv.get(path);
    expect(checkboxLabels(page.html)).toContain("Delete in Internal");
    const res = await isv.post(`${path}/grants`, {
      categoryId: partnersCat.id,
      rights: "create",
      action: "revoke",
    });
    expect(res.status).toBe(303);
    expect(textOf((await isv.follow(path)).html)).toContain(
      `Revoked create in Partners from Pat Partner. In cascade, 1 grant made from it fell: create in Partners of ${seller.email}.`,
    );
    expect(await rightsOf(api, seller.id)).toEqual([]);
  });

  it("shows a sibling reseller's groups and users as not found", async () => {
    const user = await createUser(api, groupA.id);
    for (const path of [
      `/partners/groups/${groupA.id}`,
      `/partners/groups/${groupA1.id}`,
      `/partners/groups/${groupA.id}.csv`,
      `/partners/users/${adminA.id}`,
      `/partners/users/${user.id}`,
      `/partners/groups/${ROOT_GROUP_ID}`,
    ]) {
      const res = await webB.get(path);
      expect(res.status, path).toBe(404);
    }
    await webB.get("/partners");
    const forged = await webB.post(`/partners/users/${user.id}/grants`, {
      categoryId: partnersCat.id,
      rights: "create",
      action: "grant",
    });
    expect(forged.status).toBe(404);
    expect(await rightsOf(api, user.id)).toEqual([]);
    const rename = await webB.post(`/partners/groups/${groupA1.id}/rename`, { name: "Taken over" });
    expect(rename.status).toBe(404);
    expect((await api.get(`/api/v1/groups/${groupA1.id}`)).body.name).toBe("Alpha North");
    // An admin's own user page lacks nothing but the grant form.
    expect(textOf((await webA.get(`/partners/users/${adminA.id}`)).html)).toContain(
      "These are your own rights",
    );
  });
});
