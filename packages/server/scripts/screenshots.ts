/**
 * Takes the README's screenshots: the order form of a partner's category and the customer depot
 * with an activated device. Runs a server on a fresh SQLite database in a temp folder and
 * Debian's Chromium (CHROMIUM_PATH or /usr/bin/chromium); writes docs/images/*.png.
 *
 *   npm run screenshots
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { chromium } from "playwright-core";
import { loadConfig } from "../src/config/config.ts";
import { openRuntime } from "../src/runtime.ts";

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../docs/images");
const EMAIL = "admin@vendor.example";
const PASSWORD = "screenshots only";
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const dataDir = mkdtempSync(path.join(tmpdir(), "licentra-screenshots-"));
const config = loadConfig(
  {
    DATA_DIR: dataDir,
    LICENTRA_MASTER_KEY: "0f".repeat(32),
    LICENTRA_ADMIN_EMAIL: EMAIL,
    LICENTRA_ADMIN_PASSWORD: PASSWORD,
    LOG_LEVEL: "silent",
    PORT: "0",
  },
  dataDir,
);
const rt = await openRuntime(config, { log: pino({ level: "silent" }) });
const app = await rt.app();
await app.listen({ host: "127.0.0.1", port: 0 });
const address = app.server.address();
const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
const key = rt.setup.apiKey!;

async function api(method: string, route: string, body?: unknown): Promise<Record<string, string>> {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as Record<string, string>;
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: FLAGS,
  headless: true,
});
try {
  await api("POST", "/api/v1/products", {
    code: 1001,
    name: "Studio Pro",
    parameters: [
      { key: "expiresAt", label: "Expiry", type: "date", binding: "order", default: "P30D" },
      { key: "seats", label: "Seats", type: "number", binding: "order", default: 1, min: 1, max: 100 },
      { key: "edition", label: "Edition", type: "select", binding: "order", options: ["standard", "pro"] },
      {
        key: "features",
        label: "Features",
        type: "features",
        binding: "order",
        features: ["export", "cloud"],
      },
    ],
  });
  const category = await api("POST", "/api/v1/categories", { name: "Partners" });
  await api("PUT", `/api/v1/categories/${category.id}/products/1001`, {
    parameters: {
      expiresAt: { mode: "flexible", minRelative: "P1D", maxRelative: "P30D" },
      seats: { mode: "flexible", min: 1, max: 10 },
      edition: { mode: "fixed", value: "standard" },
    },
  });
  await api("POST", "/api/v1/data-fields", {
    key: "poNumber",
    label: "Purchase order number",
    type: "text",
    required: true,
    categories: [category.id],
  });

  const page = await browser.newPage({ baseURL: url, viewport: { width: 1100, height: 900 } });
  await page.goto("/login");
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${url}/`);
  await page.goto(`/orders/new?category=${category.id}`);
  await page.getByLabel("Seats").fill("3");
  await page.getByLabel("Name").fill("Ada Lovelace");
  await page.getByLabel("Company").fill("Analytical Engines Ltd");
  await page.getByLabel("Purchase order number").fill("PO-2026-118");
  await page.screenshot({ path: path.join(OUT, "order-form.png"), fullPage: true });

  const order = await api("POST", "/api/v1/orders", {
    category: category.id,
    customer: { name: "Ada Lovelace", company: "Analytical Engines Ltd" },
    dataFields: { poNumber: "PO-2026-119" },
    items: [{ product: 1001, quantity: 1, parameters: { seats: 3 } }],
  });
  const depot = await browser.newPage({ baseURL: url, viewport: { width: 1100, height: 900 } });
  await depot.goto("/depot");
  await depot.getByLabel("Ticket", { exact: true }).fill(order.ticket!);
  await depot.getByRole("button", { name: "Show my licenses" }).click();
  await depot.getByLabel("Device name").first().fill("Ada's workstation");
  await depot
    .getByLabel(/fingerprint/i)
    .first()
    .fill("4f1c2a9e7b3d5c6e8a0b1c2d3e4f5a6b");
  await depot
    .getByRole("button", { name: /^Activate/ })
    .first()
    .click();
  await depot.getByText("is activated").first().waitFor();
  await depot.screenshot({ path: path.join(OUT, "depot.png"), fullPage: true });
  console.log(`wrote ${OUT}/order-form.png and ${OUT}/depot.png`);
} finally {
  await browser.close();
  await rt.close();
  rmSync(dataDir, { recursive: true, force: true });
}
