import { beforeAll, describe, expect, it } from "vitest";
import { addDuration, dayOf } from "../../src/domain/dates.ts";
import { createCategory, createGroup, createProduct, createUser, grant } from "../support/factories.ts";
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

const PASSWORD = "a long enough password";

describe.skipIf(!chromiumPath)("creating orders in the partner portal", () => {
  const b = useBrowser();
  let reseller1: string;
  let reseller2: string;
  let today: string;
  const after = (days: number) => addDuration(today, { years: 0, months: 0, days });

  beforeAll(async () => {
    const api = b.server.api;
    today = dayOf(b.server.clock.now());
    const product = await createProduct(api, {
      name: "Studio Pro",
      parameters: [
        { key: "expiresAt", label: "Expiry", type: "date", binding: "order", default: "P30D" },
        { key: "seats", label: "Seats", type: "number", binding: "order", default: 1, min: 1, max: 100 },
      ],
    });
    const category = await createCategory(api, "Partners", {
      [product.code]: {
        expiresAt: { mode: "flexible", maxRelative: "P30D" },
        seats: { mode: "flexible", min: 1, max: 10 },
      },
    });
    const one = await createGroup(api, "Reseller One");
    const two = await createGroup(api, "Reseller Two");
    const u1 = await createUser(api, one.id, { name: "Rita Reseller" });
    const u2 = await createUser(api, two.id, { name: "Otto Other" });
    await grant(api, u1.user.id, category.id, ["create"]);
    await grant(api, u2.user.id, category.id, ["create"]);
    reseller1 = u1.user.email;
    reseller2 = u2.user.email;
  });

  it("lets a reseller create an order within the bounds, refuses one beyond them, and hides it from a second reseller", async () => {
    const page = await b.newPage();
    await signIn(page, reseller1, PASSWORD);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Orders" }).click();
    await page.getByRole("link", { name: "New order" }).click();
    await visible(page.getByRole("heading", { name: "New order" }));
    await page.getByRole("link", { name: /Partners/ }).click();
    await visible(page.getByRole("heading", { name: "New order in Partners" }));

    const expiry = page.getByLabel("Expiry");
    expect(await expiry.getAttribute("max")).toBe(after(30));
    await expiry.fill(after(45));
    await page.getByLabel("Seats").fill("4");
    await page.getByLabel("Name").fill("Ada Lovelace");
    await page.getByLabel("Company").fill("Analytical Engines Ltd");
    // The browser's own check stops a date beyond the category's maximum before anything is sent.
    await page.getByRole("button", { name: "Create order" }).click();
    expect(
      await expiry.evaluate(
        (e) => (e as unknown as { validity: { rangeOverflow: boolean } }).validity.rangeOverflow,
      ),
    ).toBe(true);
    await atPath(page, /^\/orders\/new\?category=/);
    // A browser that does not check (or a forged post) meets the server's rule, shown next to the field.
    await page.locator("form[aria-label='New order in Partners']").evaluate((f) => {
      (f as unknown as { noValidate: boolean }).noValidate = true;
    });
    await page.getByRole("button", { name: "Create order" }).click();
    await see(page, /is after this category's maximum of P30D/);
    const error = page.locator(".field.has-error");
    expect(await textOf(error.locator("label"))).toContain("Expiry");
    expect(await textOf(error.locator(".field-error"))).toContain(`maximum of P30D (${after(30)})`);
    expect(await page.getByLabel("Name").inputValue()).toBe("Ada Lovelace");

    await page.getByLabel("Expiry").fill(after(20));
    await page.getByRole("button", { name: "Create order" }).click();
    await visible(page.getByRole("heading", { name: "Ticket" }));
    await see(page, "The order was created with 1 license.");
    const ticket = await textOf(page.locator("#ticket-code"));
    expect(ticket).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    await see(page, after(20));
    await see(page, "0 of 4");
    const orderPath = new URL(page.url()).pathname;
    expect(orderPath).toMatch(/^\/orders\/[0-9a-f-]{36}$/);

    await page.getByRole("link", { name: "Print the ticket" }).click();
    await visible(page.getByRole("heading", { name: "Your license ticket" }));
    await see(page, ticket);

    const other = await b.newPage();
    await signIn(other, reseller2, PASSWORD);
    await other.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Orders" }).click();
    await visible(other.getByRole("heading", { name: "Orders" }));
    expect(await other.locator("main").textContent()).not.toContain("Analytical Engines Ltd");
    const res = await other.goto(orderPath);
    expect(res?.status()).toBe(404);
    await visible(other.getByRole("heading", { name: "Not found" }));
    expect(await other.content()).not.toContain(ticket);
  });

  it("creates an order without JavaScript on a phone", async () => {
    const page = await b.newPage({ javaScriptEnabled: false, phone: true });
    await signIn(page, reseller1, PASSWORD);
    await page.goto("/orders/new");
    await page.getByRole("link", { name: /Partners/ }).click();
    await visible(page.getByRole("heading", { name: "New order in Partners" }));
    expect(await horizontalOverflow(page)).toBe(0);
    await page.getByLabel("Expiry").fill(after(7));
    await page.getByLabel("Email").fill("grace@example.com");
    await page.getByRole("button", { name: "Create order" }).click();
    await visible(page.getByRole("heading", { name: "Ticket" }));
    await see(page, after(7));
    await see(page, "grace@example.com");
    expect(await horizontalOverflow(page)).toBe(0);
  });
});
