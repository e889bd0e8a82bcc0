import { describe, expect, it } from "vitest";
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

describe.skipIf(!chromiumPath)("the dashboard, the audit log and API keys", () => {
  const b = useBrowser();

  it("shows the chart, filters the audit log, and creates and revokes an API key", async () => {
    const product = await createProduct(b.server.api, { name: "Chart Studio" });
    const order = await createOrder(b.server.api, product.code, {}, { externalOrderNumber: "PO-CHART-1" });

    // The dashboard reads well on a phone: the chart scrolls inside its frame, not the page.
    const phone = await b.newPage({ phone: true });
    await signIn(phone, ADMIN_EMAIL, ADMIN_PASSWORD);
    await visible(phone.getByRole("img", { name: "Licenses created per month, by product" }));
    expect(await horizontalOverflow(phone)).toBeLessThanOrEqual(0);

    const page = await b.newPage();
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await visible(page.getByRole("img", { name: "Licenses created per month, by product" }));
    await visible(page.getByRole("img", { name: "Licenses created per month, by group" }));
    const products = page.locator("#chart-products");
    await products.getByText("Show the numbers as a table").click();
    const row = products.getByRole("row", { name: /Chart Studio/ });
    expect(await textOf(row.getByRole("cell").last())).toBe("1");
    await visible(page.getByRole("link", { name: "PO-CHART-1" }));

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
    await visible(page.getByRole("heading", { name: "Audit log" }));
    await page.getByLabel("Action").fill("order.created");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await atPath(page, "/audit?action=order.created&entityType=&entityId=&actor=&from=&to=");
    const events = page.locator("table.audit-table tbody tr");
    await visible(events.first());
    expect(await events.count()).toBe(1);
    await visible(page.getByRole("link", { name: `Order ${order.id}` }));

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API keys" }).click();
    await visible(page.getByRole("heading", { name: "API keys" }));
    await page.getByLabel("Name").fill("Browser key");
    await page.getByRole("button", { name: "Create key" }).click();
    await visible(page.getByRole("heading", { name: "Your new API key “Browser key”" }));
    await atPath(page, "/api-keys");
    const secret = await textOf(page.locator("#new-key"));
    expect(secret).toMatch(/^lic_/);
    expect((await b.server.api.as(secret).get("/api/v1/api-keys")).status).toBe(200);

    await page.getByRole("link", { name: "Revoke Browser key" }).click();
    await visible(page.getByRole("heading", { name: "Revoke the key “Browser key”?" }));
    await page.getByRole("button", { name: "Revoke the key" }).click();
    await see(page, "The key “Browser key” was revoked: programs using it are refused from now on.");
    await atPath(page, "/api-keys");
    expect(await page.content()).not.toContain(secret);
    expect((await b.server.api.as(secret).get("/api/v1/api-keys")).status).toBe(401);
  });
});
