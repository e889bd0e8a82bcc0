import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { createProduct } from "../support/factories.ts";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createCategory } from "../support/partners.ts";
import { chromiumPath, horizontalOverflow, see, signIn, textOf, useBrowser, visible } from "./support.ts";

describe.skipIf(!chromiumPath)("the catalog", () => {
  const b = useBrowser();

  /** Creates a category on the categories page and adds the product to it; ends on its configuration. */
  async function newCategoryWith(page: Page, name: string, product: string) {
    await page.getByRole("navigation", { name: "Catalog" }).getByRole("link", { name: "Categories" }).click();
    await visible(page.getByRole("heading", { name: "Categories", level: 1 }));
    await page.getByLabel("Name").fill(name);
    await page.getByRole("button", { name: "Create category" }).click();
    await visible(page.getByRole("heading", { name, level: 1 }));
    await page.getByLabel("Add a product").selectOption({ label: product });
    await page.getByRole("button", { name: "Add product" }).click();
    await visible(page.getByRole("heading", { name: `Demo Studio in ${name}` }));
  }

  it("an ISV admin configuring a product in two categories", async () => {
    const page = await b.newPage();
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Catalog" }).click();
    await visible(page.getByRole("heading", { name: "Catalog", level: 1 }));
    await page.getByRole("link", { name: "Products" }).first().click();
    await page.getByRole("link", { name: "New product" }).click();
    await visible(page.getByRole("heading", { name: "New product" }));

    // One more parameter row, before anything required is filled in.
    await page.getByRole("button", { name: "Add another parameter" }).click();
    await visible(page.getByRole("group", { name: "Parameter 4" }));
    await page.getByLabel("Product code").fill("5001");
    await page.getByLabel("Name").fill("Demo Studio");
    const expiry = page.getByRole("group", { name: "Parameter 1" });
    await expiry.getByLabel("Key").fill("expiresAt");
    await expiry.getByLabel("Label").fill("Expiry");
    await expiry.getByLabel("Type").selectOption({ label: "Date" });
    await expiry.getByLabel("Set").selectOption({ label: "Per order" });
    await expiry.getByLabel("Default").fill("1 year");
    await page.getByRole("button", { name: "Create product" }).click();
    await visible(page.getByRole("heading", { name: "Demo Studio", level: 1 }));
    await see(page, "Demo Studio (5001) was created.");
    await see(page, "1 year after creation");

    // Partners: the expiry is chosen with the order, at most 30 days after it.
    await newCategoryWith(page, "Partners", "Demo Studio (5001)");
    let config = page.getByRole("group", { name: "Expiry (expiresAt)" });
    await config.getByRole("radio", { name: "Flexible: chosen with the order" }).check();
    await config.getByLabel("Input").selectOption({ label: "Date" });
    await config.getByLabel("Latest").fill("30 days");
    await page.getByRole("button", { name: "Save configuration" }).click();
    await see(page, "The configuration of Demo Studio in Partners was saved.");
    await visible(page.getByRole("heading", { name: "Partners", level: 1 }));
    await see(page, "Flexible (date), at most 30 days after creation");

    // Internal: a choice of 5, 30, 60 or 90 days.
    await newCategoryWith(page, "Internal", "Demo Studio (5001)");
    config = page.getByRole("group", { name: "Expiry (expiresAt)" });
    await config.getByRole("radio", { name: "Flexible: chosen with the order" }).check();
    await config.getByLabel("Input").selectOption({ label: "Select from a list" });
    await config.getByLabel("Values offered").fill("5 days, 30 days, 60 days, 90 days");
    await page.getByRole("button", { name: "Save configuration" }).click();
    await see(page, "The configuration of Demo Studio in Internal was saved.");
    await see(page, "Flexible, one of: 5 days, 30 days, 60 days or 90 days after creation");

    // Both categories keep their own configuration.
    await page.getByRole("navigation", { name: "Catalog" }).getByRole("link", { name: "Categories" }).click();
    await page.locator("#main").getByRole("link", { name: "Partners" }).click();
    await visible(page.getByRole("heading", { name: "Partners", level: 1 }));
    expect(await textOf(page.locator(".category-product dd").first())).toBe(
      "Flexible (date), at most 30 days after creation",
    );
    await page.getByRole("link", { name: "Demo Studio", exact: true }).click();
    await visible(page.getByRole("heading", { name: "Demo Studio", level: 1 }));
    const categories = page.getByRole("region", { name: "Categories" });
    expect((await categories.getByRole("link").allTextContents()).sort()).toEqual(["Internal", "Partners"]);

    const api = await b.server.api.get("/api/v1/categories");
    const byName = Object.fromEntries(
      api.body.data.map((c: { name: string; products: unknown[] }) => [c.name, c.products]),
    );
    expect(byName.Partners).toEqual([
      { code: 5001, parameters: { expiresAt: { mode: "flexible", input: "date", maxRelative: "P30D" } } },
    ]);
    expect(byName.Internal).toEqual([
      {
        code: 5001,
        parameters: {
          expiresAt: { mode: "flexible", input: "select", options: ["P5D", "P30D", "P60D", "P90D"] },
        },
      },
    ]);
  });

  it("works without JavaScript on a phone: adding parameter rows and fixing a value", async () => {
    const product = await createProduct(b.server.api, { name: "Phone Studio" });
    const category = await createCategory(b.server.api, "Phone Partners");
    await b.server.api.request("PUT", `/api/v1/categories/${category.id}/products/${product.code}`, {
      parameters: {},
    });
    const page = await b.newPage({ javaScriptEnabled: false, phone: true });
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);

    await page.goto("/catalog/products/new");
    await page.getByRole("group", { name: "Parameter 1" }).getByLabel("Key").fill("seats");
    await page.getByRole("button", { name: "Add another parameter" }).click();
    await visible(page.getByRole("group", { name: "Parameter 4" }));
    expect(await page.getByRole("group", { name: "Parameter 1" }).getByLabel("Key").inputValue()).toBe(
      "seats",
    );
    expect(await horizontalOverflow(page)).toBe(0);

    await page.goto(`/catalog/categories/${category.id}/products/${product.code}`);
    const config = page.getByRole("group", { name: "Expiry (expiresAt)" });
    await config.getByRole("radio", { name: "Fixed", exact: true }).check();
    await config.getByLabel("Fixed value").fill("30 days");
    expect(await horizontalOverflow(page)).toBe(0);
    await page.getByRole("button", { name: "Save configuration" }).click();
    await see(page, "Fixed: 30 days after creation");
    expect(await horizontalOverflow(page)).toBe(0);
  });
});
