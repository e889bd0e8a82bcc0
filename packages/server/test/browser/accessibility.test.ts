import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { addDuration, dayOf } from "../../src/domain/dates.ts";
import {
  createCategory,
  createGroup,
  createOrder,
  createProduct,
  createUser,
  grant,
} from "../support/factories.ts";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "../support/partners.ts";
import {
  atPath,
  chromiumPath,
  focusedId,
  horizontalOverflow,
  see,
  signIn,
  textOf,
  useBrowser,
  visible,
} from "./support.ts";

const PASSWORD = "a long enough password";

/*
 * The checks run inside the page. They are plain JavaScript strings, as in support.ts: the server's
 * TypeScript has no DOM types.
 */

/** The accessibility problems of the page shown, one sentence each (none: an empty list). */
const PROBLEMS = `(() => {
  const problems = [];
  const nameOf = (el) => {
    const name = el.getAttribute("name");
    const id = el.getAttribute("id");
    return "<" + el.tagName.toLowerCase() + (name ? ' name="' + name + '"' : "") + (id ? ' id="' + id + '"' : "") + ">";
  };
  const textOfIds = (ids) =>
    ids.split(/\\s+/).map((id) => (document.getElementById(id)?.textContent ?? "").trim()).join(" ").trim();
  const skipped = new Set(["hidden", "submit", "button", "reset", "image"]);
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.tagName === "INPUT" && skipped.has(el.type)) continue;
    if (!el.checkVisibility()) continue;
    const byLabel = Array.from(el.labels ?? []).some((l) => (l.textContent ?? "").trim() !== "");
    const byAria = (el.getAttribute("aria-label") ?? "").trim() !== "";
    const labelledBy = el.getAttribute("aria-labelledby");
    const byLabelledBy = labelledBy !== null && textOfIds(labelledBy) !== "";
    if (!byLabel && !byAria && !byLabelledBy) problems.push(nameOf(el) + " has no accessible name");
  }
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) problems.push(h1 + " h1 headings instead of one");
  for (const el of document.querySelectorAll("[style]"))
    problems.push(nameOf(el) + " has a style attribute: " + el.getAttribute("style"));
  return problems;
})()`;

/**
 * The elements that make the page wider than the window: they reach past its right edge and no
 * ancestor that scrolls or clips sideways holds them (an absolutely placed element is held only by
 * a clipping ancestor at or above its positioned ancestor).
 */
const WIDEST = `(() => {
  const describe = (el) =>
    el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + Array.from(el.classList).map((c) => "." + c).join("");
  const clips = (el) => getComputedStyle(el).overflowX !== "visible";
  const escapes = (el) => {
    const position = getComputedStyle(el).position;
    let at = position === "absolute" || position === "fixed" ? el.offsetParent : el.parentElement;
    for (; at && at !== document.body && at !== document.documentElement; at = at.parentElement)
      if (clips(at)) return false;
    return true;
  };
  const beyond = Array.from(document.body.querySelectorAll("*")).filter(
    (el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && escapes(el),
  );
  const innermost = beyond.filter((el) => !beyond.some((other) => other !== el && el.contains(other)));
  return innermost
    .slice(0, 3)
    .map((el) => {
      const path = [];
      for (let at = el; at && at !== document.body; at = at.parentElement) path.unshift(describe(at));
      const text = (el.textContent ?? "").replace(/\\s+/g, " ").trim().slice(0, 40);
      return path.slice(-5).join(" > ") + " “" + text + "” (right edge " + Math.round(el.getBoundingClientRect().right) + " px)";
    })
    .join("; ");
})()`;

/** What has the focus: its id, or its text for a link or button ("" for none). */
const FOCUSED = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "";
  return el.id || (el.textContent ?? "").replace(/\\s+/g, " ").trim();
})()`;

/** Whether the focus is shown: the focused element matches :focus-visible and draws an outline. */
const FOCUS_SHOWN = `(() => {
  const el = document.activeElement;
  return !!el && el.matches(":focus-visible") && getComputedStyle(el).outlineStyle !== "none";
})()`;

const problemsOf = async (page: Page) => (await page.evaluate(PROBLEMS)) as string[];
const widestOf = async (page: Page) => (await page.evaluate(WIDEST)) as string;

describe.skipIf(!chromiumPath)("accessibility of the console", () => {
  const b = useBrowser();
  let paths: string[];
  let resellerEmail: string;
  let categoryId: string;
  let code: number;
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
        {
          key: "edition",
          label: "Edition",
          type: "select",
          binding: "order",
          options: ["standard", "pro"],
          default: "standard",
        },
        {
          key: "features",
          label: "Features",
          type: "features",
          binding: "order",
          features: ["export", "cloud"],
          default: ["export"],
        },
      ],
    });
    code = product.code;
    const category = await createCategory(api, "Partners", {
      [code]: {
        expiresAt: { mode: "flexible", minRelative: "P1D", maxRelative: "P60D" },
        seats: { mode: "flexible", min: 1, max: 10 },
        edition: { mode: "flexible", options: ["standard", "pro"] },
        features: { mode: "flexible", options: ["export", "cloud"] },
      },
    });
    categoryId = category.id;
    const field = await api.post("/api/v1/data-fields", {
      key: "project",
      label: "Project",
      type: "text",
      maxLength: 40,
    });
    expect(field.status, JSON.stringify(field.body)).toBe(201);
    const group = await createGroup(api, "Reseller One");
    const reseller = await createUser(api, group.id, { name: "Rita Reseller" });
    await grant(api, reseller.user.id, category.id, ["create"]);
    resellerEmail = reseller.user.email;
    const order = await createOrder(
      api,
      code,
      { seats: 3 },
      { category: category.id, customer: { name: "Ada Lovelace", company: "Analytical Engines Ltd" } },
    );
    const license = order.licenses[0].id as string;
    const key = await api.post("/api/v1/api-keys", { name: "Build server" });
    expect(key.status, JSON.stringify(key.body)).toBe(201);

    paths = [
      "/",
      "/orders",
      "/orders/new",
      `/orders/new?category=${category.id}`,
      "/orders/new?category=none",
      `/orders/${order.id}`,
      `/orders/${order.id}/ticket`,
      "/licenses",
      `/licenses/${license}`,
      `/licenses/${license}/revoke`,
      `/licenses/${license}/delete`,
      "/catalog",
      "/catalog/products",
      "/catalog/products/new",
      `/catalog/products/${code}`,
      `/catalog/products/${code}/edit`,
      "/catalog/categories",
      `/catalog/categories/${category.id}`,
      `/catalog/categories/${category.id}/products/${code}`,
      "/catalog/data-fields",
      "/catalog/data-fields/new",
      "/catalog/data-fields/project",
      "/partners",
      `/partners/groups/${group.id}`,
      `/partners/users/${reseller.user.id}`,
      "/audit",
      "/api-keys",
      `/api-keys/${key.body.apiKey.id}/revoke`,
      "/account",
      "/account/password",
    ];
  });

  it("every console page labels its controls and fits a phone", async () => {
    // The checks themselves see what they look for.
    const probe = await b.newPage();
    await probe.setContent(
      '<h1>One</h1><h1>Two</h1><label>Named <input name="named"></label><input name="nameless"><p style="color: red">x</p>',
    );
    expect(await problemsOf(probe)).toEqual([
      '<input name="nameless"> has no accessible name',
      "2 h1 headings instead of one",
      "<p> has a style attribute: color: red",
    ]);

    const problems: string[] = [];
    const desk = await b.newPage();
    await signIn(desk, ADMIN_EMAIL, ADMIN_PASSWORD);
    const phone = await b.newPage({ phone: true });
    await signIn(phone, ADMIN_EMAIL, ADMIN_PASSWORD);
    for (const path of paths) {
      const res = await desk.goto(path);
      if (res?.status() !== 200) problems.push(`${path}: status ${res?.status()}`);
      for (const p of await problemsOf(desk)) problems.push(`${path}: ${p}`);
      await phone.goto(path);
      const overflow = await horizontalOverflow(phone);
      if (overflow > 0)
        problems.push(`${path}: ${overflow} px wider than a 390 px phone, at ${await widestOf(phone)}`);
    }
    // The pages a signed-out visitor sees.
    const visitor = await b.newPage({ phone: true });
    for (const path of ["/login", "/depot"]) {
      await visitor.goto(path);
      for (const p of await problemsOf(visitor)) problems.push(`${path}: ${p}`);
      const overflow = await horizontalOverflow(visitor);
      if (overflow > 0)
        problems.push(`${path}: ${overflow} px wider than a 390 px phone, at ${await widestOf(visitor)}`);
    }
    expect(problems).toEqual([]);
  });

  it("a partner creates an order with the keyboard alone", async () => {
    const page = await b.newPage();
    await signIn(page, resellerEmail, PASSWORD);
    await visible(page.getByRole("heading", { name: "Welcome, Rita Reseller" }));

    const focused = async () => (await page.evaluate(FOCUSED)) as string;
    /** Presses Tab (or Shift+Tab) until `target` has the focus, as a person would; fails after `limit` presses. */
    async function tabTo(target: string | RegExp, options: { back?: boolean; limit?: number } = {}) {
      const matches = (f: string) => (typeof target === "string" ? f === target : target.test(f));
      for (let i = 0; i < (options.limit ?? 40); i++) {
        await page.keyboard.press(options.back ? "Shift+Tab" : "Tab");
        if (matches(await focused())) break;
      }
      expect(await focused()).toMatch(target);
      expect(await page.evaluate(FOCUS_SHOWN), `the focus on ${target} is shown`).toBe(true);
    }

    const nav = page.getByRole("navigation", { name: "Main" });
    await tabTo("Orders");
    expect(
      await nav
        .getByRole("link", { name: "Orders" })
        .evaluate(
          (a) =>
            a === (a as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement,
        ),
    ).toBe(true);
    await page.keyboard.press("Enter");
    await visible(page.getByRole("heading", { name: "Orders", exact: true }));
    await atPath(page, "/orders");

    await tabTo("New order");
    await page.keyboard.press("Enter");
    await visible(page.getByRole("heading", { name: "New order" }));
    await atPath(page, "/orders/new");

    await tabTo(/^Partners/);
    await page.keyboard.press("Enter");
    await visible(page.getByRole("heading", { name: "New order in Partners" }));
    await atPath(page, `/orders/new?category=${categoryId}`);

    // Quantity: one license.
    const item = `f-item-${code}`;
    await tabTo(`${item}-quantity`);
    expect(await focusedId(page)).toBe(`${item}-quantity`);
    // Expiry: typed into the date's month, day and year in turn (the browser's locale is en-US).
    await tabTo(`${item}-expiresAt`);
    const [year, month, dayOfMonth] = after(20).split("-");
    await page.keyboard.type(`${month}${dayOfMonth}${year}`);
    // Seats: the number typed over the offered value.
    await tabTo(`${item}-seats`);
    await page.keyboard.press("Control+A");
    await page.keyboard.type("4");
    // Edition: the next option with the arrow key.
    await tabTo(`${item}-edition`);
    await page.keyboard.press("ArrowDown");
    // Features: "cloud" checked with Space as well.
    await tabTo(`${item}-features-1`);
    await page.keyboard.press("Space");
    // Back one step and forward again: Shift+Tab moves the focus backwards.
    await tabTo(`${item}-features-0`, { back: true, limit: 1 });
    await tabTo(`${item}-features-1`, { limit: 1 });
    await tabTo("f-customerName");
    await page.keyboard.type("Ada Lovelace");
    await tabTo("f-customerCompany");
    await page.keyboard.type("Analytical Engines Ltd");
    await tabTo("f-dataField-project");
    await page.keyboard.type("Difference engine");
    await page.keyboard.press("Enter");

    await visible(page.getByRole("heading", { name: "Ticket" }));
    await see(page, "The order was created with 1 license.");
    expect(await textOf(page.locator("#ticket-code"))).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    await see(page, "Ada Lovelace");
    await see(page, "0 of 4");

    // What the keys chose reached the order.
    const orderId = new URL(page.url()).pathname.split("/").pop()!;
    const order = (await b.server.api.get(`/api/v1/orders/${orderId}`)).body;
    const license = order.licenses[0];
    expect(license.seats).toBe(4);
    expect(license.parameters.edition).toBe("pro");
    expect(license.features).toEqual(["export", "cloud"]);
    expect(license.expiresAt).toBe(after(20));
    expect(order.customer.company).toBe("Analytical Engines Ltd");
    expect(order.dataFields.project).toBe("Difference engine");
  });
});
