import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createUser, ROOT_GROUP_ID } from "../support/partners.ts";
import {
  atPath,
  chromiumPath,
  focusedId,
  horizontalOverflow,
  see,
  textOf,
  useBrowser,
  visible,
} from "./support.ts";

const HOUR = 3600_000;

/** The entries of the main navigation, as shown. */
const navigation = (page: Page) =>
  page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();

describe.skipIf(!chromiumPath)("signing in and out", () => {
  const b = useBrowser();

  async function signIn(email: string, password: string) {
    const page = b.page;
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
  }

  it("signs in, shows the user's name and rights, and signs out", async () => {
    const page = await b.newPage();
    await page.goto("/");
    await atPath(page, "/login");
    await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    await visible(page.getByRole("heading", { name: "Welcome, Administrator" }));
    await atPath(page, "/");
    expect(await textOf(page.locator(".brand"))).toBe("Licentra Console");
    expect(await navigation(page)).toEqual([
      "Dashboard",
      "Orders",
      "Licenses",
      "Catalog",
      "Partners",
      "Audit log",
      "API keys",
      "Account",
      "API docs",
    ]);
    await see(page, "ISV admin: every right on every category");

    await page.getByRole("button", { name: "Sign out" }).click();
    await visible(page.getByRole("heading", { name: "Sign in" }));
    await atPath(page, "/login");
    await see(page, "You have signed out.");

    // The session is gone on the server: the old pages send the browser back to sign in.
    await page.goto("/account");
    await atPath(page, "/login?next=%2Faccount");
  });

  it("shows a partner the portal without the admins' entries", async () => {
    const user = await createUser(b.server.api, ROOT_GROUP_ID, { name: "Pat Partner" });
    const page = await b.newPage();
    await page.goto("/login");
    await signIn(user.email, user.password);
    await visible(page.getByRole("heading", { name: "Welcome, Pat Partner" }));
    expect(await textOf(page.locator(".brand"))).toBe("Licentra Partner portal");
    expect(await navigation(page)).toEqual(["Dashboard", "Orders", "Licenses", "API keys", "Account"]);
    await see(page, "You hold no rights on any category yet.");
  });

  it("says the email or password is wrong, keeps the email and not the password", async () => {
    const user = await createUser(b.server.api, ROOT_GROUP_ID);
    const page = await b.newPage();
    await page.goto("/login");
    await signIn(user.email, "not the password");
    const alert = await visible(page.getByRole("alert"));
    expect(await textOf(alert)).toBe("The email or the password is wrong.");
    expect(await page.getByLabel("Email").inputValue()).toBe(user.email);
    expect(await page.getByLabel("Password").inputValue()).toBe("");
    await atPath(page, "/login");
  });

  it("sends an expired session to the sign-in page with a message, then back where it was", async () => {
    const user = await createUser(b.server.api, ROOT_GROUP_ID, { name: "Sam Sessions" });
    const page = await b.newPage();
    await page.goto("/account");
    await atPath(page, "/login?next=%2Faccount");
    await signIn(user.email, user.password);
    await visible(page.getByRole("heading", { name: "Account" }));
    await atPath(page, "/account");

    b.server.clock.advance(12 * HOUR + 60_000);
    await page.getByRole("link", { name: "Dashboard" }).click();
    await visible(page.getByRole("heading", { name: "Sign in" }));
    await atPath(page, "/login?expired=1");
    await see(page, "Your session has expired. Sign in again to continue where you were.");

    await signIn(user.email, user.password);
    await visible(page.getByRole("heading", { name: "Welcome, Sam Sessions" }));
  });

  it("changes the password: a wrong current one is marked at its field, the new one works", async () => {
    const user = await createUser(b.server.api, ROOT_GROUP_ID, { name: "Cleo Change" });
    const page = await b.newPage();
    await page.goto("/login");
    await signIn(user.email, user.password);
    await page.getByRole("link", { name: "Account" }).click();
    await page.getByRole("link", { name: "Change password" }).click();
    await visible(page.getByRole("heading", { name: "Change password" }));

    await page.getByLabel("Current password").fill("this is not it");
    await page.getByLabel("New password", { exact: true }).fill("a brand new passphrase");
    await page.getByLabel("New password again").fill("a brand new passphrase");
    await page.getByRole("button", { name: "Change password" }).click();
    const current = page.getByLabel("Current password");
    await visible(page.getByText("Is not your current password."));
    expect(await current.getAttribute("aria-invalid")).toBe("true");
    expect(await current.getAttribute("aria-describedby")).toBe("f-currentPassword-error");
    expect(await focusedId(page)).toBe("f-currentPassword");

    await current.fill(user.password);
    await page.getByLabel("New password", { exact: true }).fill("a brand new passphrase");
    await page.getByLabel("New password again").fill("a brand new passphrase");
    await page.getByRole("button", { name: "Change password" }).click();
    await see(page, "Your password was changed. Your other sessions were signed out.");
    await atPath(page, "/account");

    await page.getByRole("button", { name: "Sign out" }).click();
    await visible(page.getByRole("heading", { name: "Sign in" }));
    await signIn(user.email, user.password);
    await see(page, "The email or the password is wrong.");
    await signIn(user.email, "a brand new passphrase");
    await visible(page.getByRole("heading", { name: "Welcome, Cleo Change" }));
  });

  it("works with the keyboard alone", async () => {
    const user = await createUser(b.server.api, ROOT_GROUP_ID, { name: "Kim Keys" });
    const page = await b.newPage();
    await page.goto("/login");
    await page.keyboard.press("Tab");
    expect(await textOf(page.locator(":focus"))).toBe("Skip to content");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await focusedId(page)).toBe("f-email");
    await page.keyboard.type(user.email);
    await page.keyboard.press("Tab");
    await page.keyboard.type(user.password);
    await page.keyboard.press("Enter");
    await visible(page.getByRole("heading", { name: "Welcome, Kim Keys" }));
  });

  it("works without JavaScript", async () => {
    const user = await createUser(b.server.api, ROOT_GROUP_ID, { name: "Noa NoScript" });
    const page = await b.newPage({ javaScriptEnabled: false });
    await page.goto("/login");
    await signIn(user.email, "wrong password!");
    await see(page, "The email or the password is wrong.");
    await signIn(user.email, user.password);
    await visible(page.getByRole("heading", { name: "Welcome, Noa NoScript" }));
    await page.getByRole("button", { name: "Sign out" }).click();
    await see(page, "You have signed out.");
  });

  it("reads well on a phone-width screen", async () => {
    const page = await b.newPage({ phone: true });
    await page.goto("/login");
    await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    await visible(page.getByRole("heading", { name: "Welcome, Administrator" }));
    const overflow = await horizontalOverflow(page);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
