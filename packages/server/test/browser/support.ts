import { execSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { startTestServer, type TestServer } from "../support/harness.ts";

/** Set by .ci/run: a missing Chromium fails the browser tests instead of skipping them. */
export const BROWSER_REQUIRED = process.env.LICENTRA_REQUIRE_BROWSER === "1";

/** Debian's Chromium; `CHROMIUM_PATH` points elsewhere. No browser is ever downloaded. */
const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/** Quiet, offline, headless: no update checks, syncing or background traffic. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Where each browser test leaves a screenshot of its final page (git-ignored). */
export const ARTIFACTS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../../test-artifacts/browser",
);

/** The Chromium to drive, or null when there is none. */
export function findChromium(): string | null {
  const candidate = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
  return existsSync(candidate) ? candidate : null;
}

/**
 * Finds Chromium; when it is missing and we are root, installs Debian's `chromium` package.
 * Without it the browser tests are skipped with a notice, or fail under LICENTRA_REQUIRE_BROWSER=1.
 * Called once per run by global-setup.ts.
 */
export function ensureChromium(): string | null {
  const found = findChromium();
  if (found) return found;
  if (!process.env.CHROMIUM_PATH && process.getuid?.() === 0) {
    console.log("Chromium is missing: installing Debian's chromium package (apt-get install -y chromium)…");
    try {
      execSync("apt-get update && apt-get install -y chromium", {
        stdio: ["ignore", "inherit", "inherit"],
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      });
    } catch (err) {
      console.warn(`installing chromium failed: ${(err as Error).message}`);
    }
    const installed = findChromium();
    if (installed) return installed;
  }
  const where = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
  if (BROWSER_REQUIRED)
    throw new Error(
      `Chromium is required (LICENTRA_REQUIRE_BROWSER=1) but ${where} does not exist; install Debian's chromium package or set CHROMIUM_PATH`,
    );
  console.warn(
    `NOTICE: no Chromium at ${where}; the browser tests are skipped (install Debian's chromium package, or set CHROMIUM_PATH)`,
  );
  return null;
}

/** True when the browser tests can run in this process (global-setup.ts installed Chromium if it could). */
export const chromiumPath = findChromium();

export interface BrowserSuite {
  /** The server under test: a fresh SQLite database, the first ISV admin's API key in `server.api`. */
  readonly server: TestServer;
  /** The page of the current test (new context per test: no cookies carried over). */
  readonly page: Page;
  /** Opens another page in a new context (e.g. with JavaScript off); it becomes `page`. */
  newPage(options?: { javaScriptEnabled?: boolean; phone?: boolean }): Promise<Page>;
  /** The URL of a path on the server. */
  url(path: string): string;
}

function artifactName(testName: string): string {
  return testName
    .replace(/[^a-zA-Z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 150);
}

/**
 * Hooks for a describe block of browser tests: one server and one Chromium for the block, a
 * fresh browser context per test, and a screenshot of each test's final page in
 * test-artifacts/browser/ (also when it failed: the page shows where).
 */
export function useBrowser(env: Record<string, string> = {}): BrowserSuite {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  let contexts: BrowserContext[] = [];
  let current: Page | undefined;

  const open = async (options: { javaScriptEnabled?: boolean; phone?: boolean } = {}) => {
    const context = await browser!.newContext({
      baseURL: server!.url,
      acceptDownloads: true,
      javaScriptEnabled: options.javaScriptEnabled ?? true,
      viewport: options.phone ? { width: 390, height: 844 } : { width: 1200, height: 900 },
      deviceScaleFactor: 1,
    });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    current = await context.newPage();
    return current;
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    server = await startTestServer("sqlite", env);
    browser = await chromium.launch({ executablePath: chromiumPath!, args: CHROMIUM_FLAGS, headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(async (ctx) => {
    if (current && !current.isClosed())
      await current
        .screenshot({
          path: path.join(
            ARTIFACTS_DIR,
            `${artifactName(`${path.basename(ctx.task.file.name, ".test.ts")}-${ctx.task.name}`)}.png`,
          ),
          fullPage: true,
        })
        .catch(() => {});
    for (const c of contexts) await c.close().catch(() => {});
    contexts = [];
    current = undefined;
  });

  return {
    get server() {
      return server!;
    },
    get page() {
      return current!;
    },
    newPage: open,
    url: (p: string) => `${server!.url}${p}`,
  };
}

/** Waits until the locator is visible (Playwright's auto-waiting, without @playwright/test). */
export async function visible(locator: Locator): Promise<Locator> {
  await locator.first().waitFor({ state: "visible" });
  return locator.first();
}

/** Asserts the page shows `text` somewhere visible, waiting for it. */
export async function see(page: Page, text: string | RegExp): Promise<void> {
  await visible(page.getByText(text));
}

/** The trimmed text of the first match, after it became visible. */
export async function textOf(locator: Locator): Promise<string> {
  return ((await (await visible(locator)).textContent()) ?? "").replace(/\s+/g, " ").trim();
}

/** Waits until the page's path (and query) is `expected`. */
export async function atPath(page: Page, expected: string | RegExp): Promise<void> {
  await page.waitForURL((u) =>
    typeof expected === "string"
      ? `${u.pathname}${u.search}` === expected
      : expected.test(`${u.pathname}${u.search}`),
  );
  const u = new URL(page.url());
  expect(`${u.pathname}${u.search}`).toMatch(expected);
}

/** Signs in through the form and waits for the dashboard's welcome. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await atPath(page, "/");
  await visible(page.getByRole("heading", { name: /^Welcome, / }));
}

/** The id of the focused element ("" for none). */
export async function focusedId(page: Page): Promise<string> {
  return (await page.evaluate("document.activeElement ? document.activeElement.id : ''")) as string;
}

/** How many CSS pixels the page is wider than the window: 0 when nothing scrolls sideways. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return (await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) as number;
}
