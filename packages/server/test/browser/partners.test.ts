import { beforeAll, describe, expect, it } from "vitest";
import { createCategory, createGroup, createUser } from "../support/partners.ts";
import {
  atPath,
  chromiumPath,
  horizontalOverflow,
  see,
  signIn,
  textOf,
  useBrowser,
  visible,
} from "./support.ts";

describe.skipIf(!chromiumPath)("the partner pages", () => {
  const b = useBrowser();
  let reseller: { id: string; email: string; password: string };

  beforeAll(async () => {
    const api = b.server.api;
    const partners = await createCategory(api, "Partners");
    await createCategory(api, "Internal");
    const group = await createGroup(api, "Reseller Alpha");
    reseller = await createUser(api, group.id, { name: "Rita Reseller", isAdmin: true });
    const res = await api.post(`/api/v1/users/${reseller.id}/grants`, {
      categoryId: partners.id,
      rights: ["create", "modify"],
    });
    expect(res.status).toBe(200);
  });

  it("lets a reseller admin create a user and grant a subset of its rights", async () => {
    const page = await b.newPage();
    await signIn(page, reseller.email, reseller.password);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Partners" }).click();
    await visible(page.getByRole("heading", { name: "Partners", level: 1 }));
    await page.getByRole("link", { name: "Reseller Alpha" }).click();
    await visible(page.getByRole("heading", { name: "Reseller Alpha", level: 1 }));

    const form = page.getByRole("form", { name: "New user" });
    await form.getByLabel("Email").fill("nora@alpha.test");
    await form.getByLabel("Name", { exact: true }).fill("Nora North");
    await form.getByLabel("Initial password").fill("a long enough password");
    await form.getByRole("button", { name: "Create user" }).click();
    await visible(page.getByRole("heading", { name: "Nora North", level: 1 }));
    await see(page, "Nora North (nora@alpha.test) was created.");
    await see(page, "Nora North holds no rights on any category.");

    // Only what the reseller admin holds is offered: create and modify in Partners.
    const rights = page.getByRole("form", { name: "Rights in Partners" });
    expect(await rights.getByRole("checkbox").count()).toBe(2);
    await visible(rights.getByLabel("Create in Partners"));
    await visible(rights.getByLabel("Modify in Partners"));
    expect(await page.getByText("Internal").count()).toBe(0);
    expect(await page.getByLabel("Revoke in Partners").count()).toBe(0);
    expect(await page.getByLabel("Delete in Partners").count()).toBe(0);
    expect(await page.getByRole("button", { name: /^Revoke/ }).count()).toBe(0);

    await rights.getByLabel("Create in Partners").check();
    await rights.getByRole("button", { name: "Grant the selected rights in Partners" }).click();
    await see(page, "Granted: Nora North now holds create in Partners.");
    await atPath(page, /^\/partners\/users\/[0-9a-f-]+$/);

    const table = page.getByRole("table", { name: "Partners" });
    const rows = table.getByRole("row");
    expect(await rows.count()).toBe(2);
    expect(await textOf(rows.nth(1).getByRole("rowheader"))).toBe("Create");
    expect(await textOf(rows.nth(1).getByRole("cell"))).toMatch(
      new RegExp(`^Granted by ${reseller.email.replace(/\./g, "\\.")} on `),
    );
    // Now that the admin granted something here, it may revoke it.
    await visible(rights.getByRole("button", { name: "Revoke the selected rights in Partners" }));

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await horizontalOverflow(page)).toBe(0);
  });
});
