import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  createOfflineRequest,
  createVerifier,
  deviceFingerprint,
  type KeySetInput,
  writeOfflineRequestFile,
} from "@licentra/client";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { activate as activate_, createOrder, createProduct } from "../support/factories.ts";
import { atPath, chromiumPath, horizontalOverflow, see, textOf, useBrowser, visible } from "./support.ts";

describe.skipIf(!chromiumPath)("the customer depot", () => {
  const b = useBrowser();
  let product: { code: number; name: string };
  const downloads = mkdtempSync(path.join(tmpdir(), "licentra-depot-"));

  beforeAll(async () => {
    product = await createProduct(b.server.api, { name: "Studio Pro" });
  });

  /** A new order of two seats; its ticket and its license. */
  async function newOrder(parameters: Record<string, unknown> = { seats: 2 }) {
    const order = await createOrder(b.server.api, product.code, parameters, {
      customer: { name: "Ada Lovelace", company: "Analytical Engines Ltd" },
    });
    return { ticket: order.ticket as string, license: order.licenses[0] as { id: string } };
  }

  async function verifier() {
    const res = await fetch(b.url("/.well-known/jwks.json"));
    return createVerifier({ keys: (await res.json()) as KeySetInput });
  }

  /** Clicks what starts a download and returns the downloaded file's text. */
  async function download(page: Page, click: () => Promise<void>): Promise<{ file: string; name: string }> {
    const [d] = await Promise.all([page.waitForEvent("download"), click()]);
    const target = path.join(downloads, `${Date.now()}-${d.suggestedFilename()}`);
    await d.saveAs(target);
    return { file: readFileSync(target, "utf8").trim(), name: d.suggestedFilename() };
  }

  async function enterTicket(page: Page, ticket: string) {
    await page.goto("/depot");
    await page.getByLabel("Ticket", { exact: true }).fill(ticket);
    await page.getByRole("button", { name: "Show my licenses" }).click();
    await visible(page.getByRole("heading", { name: "Your licenses" }));
  }

  /** The card of the order's (only) license. */
  const card = (page: Page) => page.locator("section.license").first();

  async function activate(page: Page, deviceName: string, fingerprint: string) {
    await card(page).getByLabel("Device name").fill(deviceName);
    await card(page).getByLabel("Device fingerprint").fill(fingerprint);
    await card(page).getByRole("button", { name: "Activate" }).click();
  }

  it("shows the licenses of a ticket typed in lower case without dashes", async () => {
    const { ticket } = await newOrder();
    const page = await b.newPage();
    await enterTicket(page, ticket.toLowerCase().replace(/-/g, ""));
    await atPath(page, "/depot");
    await see(page, `ticket ending in ${ticket.slice(-5)}`);
    await see(page, "for Analytical Engines Ltd");
    const license = card(page);
    expect(await textOf(license.getByRole("heading", { level: 2 }))).toBe("Studio Pro Active");
    expect(await textOf(license.locator("dd").first())).toBe("0 of 2 used");
    await see(page, "No device is activated yet.");
    // The ticket stays out of the URL and out of the page's text.
    expect(page.url()).not.toContain(ticket.slice(0, 5));
    expect(await page.content()).not.toContain(ticket);
  });

  it("reveals nothing for a wrong ticket", async () => {
    const page = await b.newPage();
    await page.goto("/depot");
    await page.getByLabel("Ticket", { exact: true }).fill("ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ");
    await page.getByRole("button", { name: "Show my licenses" }).click();
    await see(page, "No order matches this ticket. Check it and try again.");
    const field = page.getByLabel("Ticket", { exact: true });
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    expect(await field.inputValue()).toBe("ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ");
    await page.getByLabel("Ticket", { exact: true }).fill("not a ticket at all");
    await page.getByRole("button", { name: "Show my licenses" }).click();
    await expect
      .poll(() => page.getByLabel("Ticket", { exact: true }).inputValue())
      .toBe("not a ticket at all");
    await see(page, "No order matches this ticket. Check it and try again.");
  });

  it("activates a device by its pasted fingerprint and downloads a license file the SDK accepts", async () => {
    const { ticket, license } = await newOrder();
    const fingerprint = deviceFingerprint({ salt: product.code, machineId: "depot-test-machine-1" });
    const page = await b.newPage();
    await enterTicket(page, ticket);

    await activate(page, "Design laptop", fingerprint);
    await see(page, "“Design laptop” is activated. Download its license file and copy it to the device.");
    expect(await textOf(card(page).locator("dd").first())).toBe("1 of 2 used");
    const device = card(page).locator("li.device");
    expect(await textOf(device.locator("strong"))).toBe("Design laptop");

    const { file, name } = await download(page, () =>
      device.getByRole("button", { name: "Download the license file for Design laptop" }).click(),
    );
    expect(name).toBe(`license-${license.id}.lic`);
    const result = (await verifier()).verify(file, { fingerprint, productCode: product.code });
    expect(result.code, result.detail).toBe("VALID");
    expect(result.license).toMatchObject({ sub: license.id, seats: 2, product: { code: product.code } });

    // The activation is the customer's, through the depot, in the audit log.
    const audit = await b.server.api.get(
      `/api/v1/audit-events?action=activation.created&entityType=activation`,
    );
    const event = audit.body.data.find(
      (e: { after: { licenseId: string } }) => e.after.licenseId === license.id,
    );
    expect(event).toMatchObject({ channel: "depot", actor: { type: "customer" } });
  });

  it("shows what is wrong next to the activation form: a short fingerprint, the last seat taken meanwhile", async () => {
    const { ticket, license } = await newOrder({ seats: 1 });
    const page = await b.newPage();
    await enterTicket(page, ticket);
    const fingerprintField = card(page).getByLabel("Device fingerprint");
    // The browser refuses a fingerprint under 8 characters by itself; without that check, the server does.
    await fingerprintField.evaluate((e) => e.removeAttribute("minlength"));
    await activate(page, "Short", "abc");
    await see(page, "Use at least 8 characters.");
    expect(await fingerprintField.getAttribute("aria-invalid")).toBe("true");
    expect(await card(page).getByLabel("Device name").inputValue()).toBe("Short");

    const other = await activate_(b.server.api, ticket, license.id, "fingerprint-of-another-device");
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    await activate(page, "Second", "fingerprint-of-the-second-device");
    const alert = await visible(card(page).getByRole("alert"));
    expect(await textOf(alert)).toBe(
      "Every seat is taken (1/1); return an activation on another device first.",
    );
    // The form was shown again at the depot's address, so a reload shows the depot.
    await atPath(page, "/depot");
    await page.reload();
    await see(page, "All 1 seat is in use. Return an activation to activate another device.");
    expect(await card(page).getByRole("button", { name: "Activate" }).count()).toBe(0);
  });

  it("answers an uploaded offline request file with its license file", async () => {
    const { ticket, license } = await newOrder();
    const fingerprint = deviceFingerprint({ salt: product.code, machineId: "offline-machine" });
    const requestPath = path.join(downloads, "activation-request.json");
    await writeOfflineRequestFile(
      requestPath,
      createOfflineRequest({
        ticket,
        productCode: product.code,
        fingerprint,
        deviceName: "Air-gapped lab PC",
      }),
    );
    const page = await b.newPage();
    // No ticket typed: the request file carries it.
    await page.goto("/depot");
    await page.getByLabel("Activation request file").setInputFiles(requestPath);
    const { file } = await download(page, () =>
      page.getByRole("button", { name: "Get the license file" }).click(),
    );
    const result = (await verifier()).verify(file, { fingerprint, productCode: product.code });
    expect(result.code, result.detail).toBe("VALID");
    expect(result.license?.sub).toBe(license.id);

    await enterTicket(page, ticket);
    expect(await textOf(card(page).locator("li.device strong"))).toBe("Air-gapped lab PC");
  });

  it("explains a request file that is not one", async () => {
    const page = await b.newPage();
    await page.goto("/depot");
    await page.getByLabel("Or paste the content of the request file").fill('{"hello": "world"}');
    await page.getByRole("button", { name: "Get the license file" }).click();
    await see(page, /This is not a Licentra activation request file/);
    expect(await page.getByLabel("Or paste the content of the request file").inputValue()).toBe(
      '{"hello": "world"}',
    );
  });

  it("returns an activation, freeing its seat", async () => {
    const { ticket } = await newOrder();
    const page = await b.newPage();
    await enterTicket(page, ticket);
    await activate(page, "Old desktop", "fingerprint-of-old-desktop");
    await see(page, "“Old desktop” is activated.");
    await card(page).getByRole("button", { name: "Return the activation of Old desktop" }).click();
    await see(page, "“Old desktop” was returned: its seat is free again.");
    expect(await textOf(card(page).locator("dd").first())).toBe("0 of 2 used");
    await see(page, "No device is activated yet.");
  });

  it("downloads the current license file after the vendor modified the license", async () => {
    const { ticket, license } = await newOrder();
    const fingerprint = "fingerprint-of-the-render-node";
    const page = await b.newPage();
    await enterTicket(page, ticket);
    await activate(page, "Render node", fingerprint);
    await see(page, "“Render node” is activated.");

    const modified = await b.server.api.patch(`/api/v1/licenses/${license.id}`, {
      parameters: { edition: "pro", features: ["export", "cloud"] },
    });
    expect(modified.status, JSON.stringify(modified.body)).toBe(200);
    await page.reload();
    await see(page, "export, cloud");
    const { file } = await download(page, () =>
      card(page).getByRole("button", { name: "Download the license file for Render node" }).click(),
    );
    const result = (await verifier()).verify(file, { fingerprint, features: ["cloud"] });
    expect(result.code, result.detail).toBe("VALID");
    expect(result.license).toMatchObject({ version: 2, parameters: { edition: "pro" } });
  });

  it("shows a license the vendor revoked as revoked, with nothing left to do", async () => {
    const { ticket, license } = await newOrder();
    const page = await b.newPage();
    await enterTicket(page, ticket);
    await activate(page, "Workstation", "fingerprint-of-the-workstation");
    await see(page, "“Workstation” is activated.");

    const revoked = await b.server.api.post(`/api/v1/licenses/${license.id}/revoke`);
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    await page.reload();
    expect(await textOf(card(page).getByRole("heading", { level: 2 }))).toBe("Studio Pro Revoked");
    await see(page, "The vendor revoked this license.");
    expect(await card(page).getByRole("button").count()).toBe(0);
  });

  it("works without JavaScript: ticket, activation, download, return", async () => {
    const { ticket } = await newOrder();
    const fingerprint = "fingerprint-without-javascript";
    const page = await b.newPage({ javaScriptEnabled: false });
    await enterTicket(page, ticket);
    await activate(page, "Plain browser", fingerprint);
    await see(page, "“Plain browser” is activated.");
    const { file } = await download(page, () =>
      card(page).getByRole("button", { name: "Download the license file for Plain browser" }).click(),
    );
    expect((await verifier()).verify(file, { fingerprint }).code).toBe("VALID");
    await card(page).getByRole("button", { name: "Return the activation of Plain browser" }).click();
    await see(page, "“Plain browser” was returned: its seat is free again.");
    await page.getByRole("button", { name: "Use another ticket" }).click();
    await visible(page.getByLabel("Ticket", { exact: true }));
  });

  it("refuses a form sent without the page's CSRF token, changing nothing", async () => {
    const { ticket, license } = await newOrder();
    const page = await b.newPage();
    await enterTicket(page, ticket);
    // As a forged form would: the browser's cookies, but not the token of a page of ours.
    const forged = await page.request.post("/depot/activate", {
      form: { license: license.id, deviceName: "Forged", fingerprint: "forged-fingerprint" },
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain("The form was too old or did not come from this site");
    await page.reload();
    await see(page, "No device is activated yet.");
  });

  it("fits a phone-width screen", async () => {
    const { ticket } = await newOrder();
    const page = await b.newPage({ phone: true });
    await enterTicket(page, ticket);
    await activate(page, "Phone-sized test", "fingerprint-on-a-phone-0001");
    await see(page, "“Phone-sized test” is activated.");
    const overflow = await horizontalOverflow(page);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});

describe.skipIf(!chromiumPath)("the depot under a ticket rate limit", () => {
  const b = useBrowser({ RATE_LIMIT_TICKETS: "3" });

  it("stops guessing after the limit with a page saying so", async () => {
    const page = await b.newPage();
    await page.goto("/depot");
    for (const guess of [
      "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA",
      "BBBBB-BBBBB-BBBBB-BBBBB-BBBBB",
      "CCCCC-CCCCC-CCCCC-CCCCC-CCCCC",
    ]) {
      await page.getByLabel("Ticket", { exact: true }).fill(guess);
      // Wait for the answer to this guess before typing the next one: a page swapped in late
      // would otherwise land on top of the next guess.
      const answered = page.waitForResponse(
        (response) => response.request().method() === "POST" && new URL(response.url()).pathname === "/depot",
      );
      await page.getByRole("button", { name: "Show my licenses" }).click();
      expect((await answered).status()).toBe(404);
      await see(page, "No order matches this ticket. Check it and try again.");
      await expect.poll(() => page.getByLabel("Ticket", { exact: true }).inputValue()).toBe(guess);
    }
    await page.getByLabel("Ticket", { exact: true }).fill("DDDDD-DDDDD-DDDDD-DDDDD-DDDDD");
    await page.getByRole("button", { name: "Show my licenses" }).click();
    await visible(page.getByRole("heading", { name: "Too many attempts" }));
    await see(page, /Too many requests; retry in \d+ s\./);
  });
});
