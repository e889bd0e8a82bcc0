import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { createOrder, createProduct } from "../support/factories.ts";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "../support/partners.ts";
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

describe.skipIf(!chromiumPath)("the license pages", () => {
  const b = useBrowser();
  let product: { code: number; name: string };

  beforeAll(async () => {
    product = await createProduct(b.server.api, { name: "Studio Pro" });
  });

  /** The value of one of the license's facts. */
  const fact = (page: Page, term: string) =>
    textOf(
      page
        .locator("#facts .facts > div")
        .filter({ has: page.locator("dt", { hasText: new RegExp(`^${term}$`) }) })
        .locator("dd"),
    );

  /** Opens a license from the list, found by its customer. */
  async function openFromList(page: Page, customer: string, licenseId: string) {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Licenses" }).click();
    await visible(page.getByRole("heading", { name: "Licenses", level: 1 }));
    await page.getByLabel("Customer").fill(customer);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.getByRole("link", { name: `Studio Pro license ${licenseId}` }).click();
    await visible(page.getByRole("heading", { name: "Studio Pro license", level: 1 }));
    await atPath(page, `/licenses/${licenseId}`);
  }

  it("a revoke that the depot then shows", async () => {
    const order = await createOrder(
      b.server.api,
      product.code,
      { seats: 2 },
      {
        customer: { name: "Ada Lovelace", company: "Analytical Engines Ltd" },
      },
    );
    const licenseId = order.licenses[0].id as string;
    const vendor = await b.newPage();
    await signIn(vendor, ADMIN_EMAIL, ADMIN_PASSWORD);
    await openFromList(vendor, "analytical", licenseId);

    await vendor.getByRole("link", { name: "Revoke" }).click();
    await visible(vendor.getByRole("heading", { name: "Revoke this license?" }));
    await vendor.getByRole("button", { name: "Revoke the license" }).click();
    await see(vendor, "The Studio Pro license is revoked: its activations no longer validate.");
    expect(await fact(vendor, "State")).toBe("Revoked");
    expect(await vendor.getByRole("link", { name: "Revoke" }).count()).toBe(0);
    await see(vendor, "License revoked");

    // The end customer, in a browser of its own, sees the license revoked in the depot.
    const customer = await b.newPage();
    await customer.goto("/depot");
    await customer.getByLabel("Ticket", { exact: true }).fill(order.ticket);
    await customer.getByRole("button", { name: "Show my licenses" }).click();
    await visible(customer.getByRole("heading", { name: "Your licenses" }));
    const card = customer.locator("section.license").first();
    expect(await textOf(card.getByRole("heading", { level: 2 }))).toBe("Studio Pro Revoked");
    await see(customer, "The vendor revoked this license.");
  });

  it("modifies a license through its form, also on a phone", async () => {
    const order = await createOrder(
      b.server.api,
      product.code,
      { seats: 1 },
      {
        customer: { name: "Grace Hopper", company: "Compilers Inc" },
      },
    );
    const licenseId = order.licenses[0].id as string;
    const page = await b.newPage({ phone: true });
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`/licenses/${licenseId}`);
    await visible(page.getByRole("heading", { name: "Studio Pro license", level: 1 }));
    expect(await horizontalOverflow(page)).toBe(0);

    const form = page.getByRole("form", { name: "Modify the license" });
    await form.getByLabel("Seats").fill("4");
    await form.getByLabel("Edition").selectOption("pro");
    await form.getByLabel("cloud").check();
    await form.getByRole("button", { name: "Save changes" }).click();
    await see(page, "The license was modified: it is now at version 2.");
    expect(await fact(page, "Seats")).toBe("0 of 4 used");
    expect(await fact(page, "Features")).toBe("export, cloud");
    await see(page, "seats: 1 → 4");
    expect(await horizontalOverflow(page)).toBe(0);

    const api = await b.server.api.get(`/api/v1/licenses/${licenseId}`);
    expect(api.body).toMatchObject({ version: 2, seats: 4, parameters: { edition: "pro" } });
  });
});
