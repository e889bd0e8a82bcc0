import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDuration, dayOf } from "../../src/domain/dates.ts";
import { createCategory, createGroup, createProduct, createUser, grant } from "../support/factories.ts";
import { dialects, startTestServer, type TestServer } from "../support/harness.ts";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "../support/partners.ts";
import { startTestSmtp, type TestSmtp } from "../support/smtp.ts";
import { textOf, WebClient } from "../support/web.ts";

const PASSWORD = "a long enough password";

/** The input (or select) with this id, as HTML. */
function control(html: string, id: string): string {
  const m = new RegExp(`<(input|select)[^>]*id="${id}"[^>]*>`).exec(html);
  if (!m) throw new Error(`no control ${id} on the page`);
  if (m[1] === "input") return m[0];
  return html.slice(m.index, html.indexOf("</select>", m.index));
}

/** The text of an order page's history card. */
function historyOf(html: string): string {
  const start = html.indexOf('id="order-history"');
  if (start < 0) throw new Error("no history on the page");
  return textOf(html.slice(start, html.indexOf("</section>", start)));
}

/** The error shown next to the control with this id, or null. */
function errorOf(html: string, id: string): string | null {
  const m = new RegExp(`<p class="field-error" id="${id}-error">([\\s\\S]*?)</p>`).exec(html);
  return m ? textOf(m[1]!).replace(/^Error: /, "") : null;
}

describe.each(await dialects())("the order pages on %s", (dialect) => {
  let server: TestServer;
  let smtp: TestSmtp;
  let code: number;
  let partners: { id: string; name: string };
  let internal: { id: string; name: string };
  let reseller1: { email: string };
  let reseller2: { email: string };
  let noCreate: { email: string };
  let today: string;
  const after = (days: number) => addDuration(today, { years: 0, months: 0, days });
  const id = (key: string) => `f-item-${code}-${key}`;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    server = await startTestServer(dialect, { SMTP_URL: smtp.url });
    today = dayOf(server.clock.now());
    const api = server.api;
    code = (
      await createProduct(api, {
        name: "Studio Pro",
        parameters: [
          { key: "expiresAt", label: "Expiry", type: "date", binding: "order", default: "P30D" },
          { key: "maintenanceUntil", label: "Maintenance", type: "date", binding: "order", default: "P1Y" },
          { key: "seats", label: "Seats", type: "number", binding: "order", default: 1, min: 1, max: 1000 },
          {
            key: "edition",
            label: "Edition",
            type: "select",
            binding: "order",
            options: ["standard", "pro", "ultimate"],
            default: "standard",
          },
        ],
      })
    ).code;
    partners = await createCategory(api, "Partners", {
      [code]: {
        expiresAt: { mode: "flexible", minRelative: "P1D", maxRelative: "P30D" },
        seats: { mode: "flexible", min: 1, max: 5 },
        edition: { mode: "flexible", options: ["standard", "pro"] },
        maintenanceUntil: { mode: "fixed", value: "P1Y" },
      },
    });
    internal = await createCategory(api, "Internal staff", {
      [code]: { expiresAt: { mode: "fixed", value: "P90D" } },
    });
    expect(
      (
        await api.post("/api/v1/data-fields", {
          key: "project",
          label: "Project",
          type: "text",
          required: true,
          maxLength: 20,
        })
      ).status,
    ).toBe(201);
    const r1 = await createGroup(api, "Reseller One");
    const r2 = await createGroup(api, "Reseller Two");
    const u1 = await createUser(api, r1.id, { name: "Rita Reseller" });
    const u2 = await createUser(api, r2.id, { name: "Otto Other" });
    const u3 = await createUser(api, r1.id, { name: "Nora Noright" });
    await grant(api, u1.user.id, partners.id, ["create"]);
    await grant(api, u2.user.id, partners.id, ["create"]);
    await grant(api, u3.user.id, internal.id, ["modify"]);
    reseller1 = u1.user;
    reseller2 = u2.user;
    noCreate = u3.user;
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  const signIn = (email: string, password = PASSWORD) => new WebClient(server.url).signIn(email, password);

  async function orderCount(): Promise<number> {
    return (await server.api.get("/api/v1/orders?limit=100")).body.data.length;
  }

  /** A filled-in order form of the partners' category. */
  function orderForm(overrides: Record<string, string> = {}) {
    return {
      category: partners.id,
      [`item-${code}-quantity`]: "1",
      [`item-${code}-expiresAt`]: after(10),
      [`item-${code}-seats`]: "3",
      [`item-${code}-edition`]: JSON.stringify("pro"),
      customerName: "Ada Lovelace",
      customerEmail: "ada@example.com",
      customerCompany: "Analytical Engines Ltd",
      externalOrderNumber: "",
      "dataField-project": "Difference engine",
      ...overrides,
    };
  }

  it("offers the categories the user may create in, and builds the form from the category product", async () => {
    const web = await signIn(reseller1.email);
    const choice = await web.get("/orders/new");
    expect(choice.status).toBe(200);
    expect(textOf(choice.html)).toContain("Partners");
    expect(textOf(choice.html)).not.toContain("Internal staff");
    expect(textOf(choice.html)).not.toContain("Without a category");

    const page = await web.get(`/orders/new?category=${partners.id}`);
    expect(page.status).toBe(200);
    // Fixed: shown read-only, resolved from P1Y, and not sent with the form.
    const maintenance = control(page.html, id("maintenanceUntil"));
    expect(maintenance).toContain("readonly");
    expect(maintenance).toContain(`value="${addDuration(today, { years: 1, months: 0, days: 0 })}"`);
    expect(maintenance).not.toContain("name=");
    // Number: the category's bounds inside the product's.
    const seats = control(page.html, id("seats"));
    expect(seats).toContain('type="number"');
    expect(seats).toContain('min="1"');
    expect(seats).toContain('max="5"');
    // Select: only the category's values.
    const edition = control(page.html, id("edition"));
    expect(edition).toContain("standard");
    expect(edition).toContain("pro");
    expect(edition).not.toContain("ultimate");
    // Date: limited to P1D..P30D from today, the product's default P30D filled in.
    const expiry = control(page.html, id("expiresAt"));
    expect(expiry).toContain('type="date"');
    expect(expiry).toContain(`min="${after(1)}"`);
    expect(expiry).toContain(`max="${after(30)}"`);
    expect(expiry).toContain(`value="${after(30)}"`);
    // Data field: required, with its maximum length.
    const project = control(page.html, "f-dataField-project");
    expect(project).toContain("required");
    expect(project).toContain('maxlength="20"');
    expect(textOf(page.html)).toContain("Between");

    // A category sent twice is refused cleanly, not a server error.
    const twice = await web.get(`/orders/new?category=${partners.id}&category=${internal.id}`);
    expect(twice.status).toBe(400);
    expect(textOf(twice.html)).toContain("Choose one category from the list");
    // And so is a form posted with two categories.
    const posted = await web.post("/orders", { category: [partners.id, internal.id], customerName: "Twice" });
    expect(posted.status).toBe(400);
    expect(textOf(posted.html)).toContain("Choose one category: the form was sent with several.");
  });

  it("creates an order within the bounds and shows its ticket, licenses and history", async () => {
    const web = await signIn(reseller1.email);
    await web.get(`/orders/new?category=${partners.id}`);
    const res = await web.post("/orders", orderForm({ [`item-${code}-quantity`]: "2" }));
    expect(res.status, textOf(res.html)).toBe(303);
    expect(res.location).toMatch(/^\/orders\/[0-9a-f-]{36}$/);
    const detail = await web.follow(res.location!);
    expect(detail.status).toBe(200);
    const text = textOf(detail.html);
    expect(text).toContain("The order was created with 2 licenses");
    const ticket = /<code class="ticket" id="ticket-code">\s*([0-9A-Z-]{29})\s*<\/code>/.exec(
      detail.html,
    )?.[1];
    expect(ticket).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    expect(text).toContain("Ada Lovelace");
    expect(text).toContain("Difference engine");
    expect(text).toContain("Partners");
    expect(text).toContain("Rita Reseller");
    expect(text).toContain(`Studio Pro`);
    expect(text).toContain(`0 of 3`);
    expect(text).toContain(after(10));
    expect(detail.html.match(/href="\/licenses\/[0-9a-f-]{36}"/g)).toHaveLength(2);
    // The history, newest first, says who acted as the license pages do: name and email.
    const history = historyOf(detail.html);
    expect(history).toMatch(/License created.*License created.*Order created/);
    expect(history).toContain(`Rita Reseller (${reseller1.email})`);
    expect(history).not.toContain("more events");
    // The values reached the licenses as typed.
    const orderId = res.location!.split("/").pop();
    const order = (await server.api.get(`/api/v1/orders/${orderId}`)).body;
    expect(order.licenses[0]).toMatchObject({
      seats: 3,
      expiresAt: after(10),
      parameters: { edition: "pro" },
    });
    expect(order.licenses[0].rules.maintenanceUntil).toBe("P1Y");

    const print = await web.get(`/orders/${orderId}/ticket`);
    expect(print.status).toBe(200);
    expect(textOf(print.html)).toContain(ticket!);
    expect(textOf(print.html)).toContain(`${server.rt.config.publicUrl.replace(/\/$/, "")}/depot`);
  });

  it("refuses an expiry beyond the category's maximum next to the field, creating nothing", async () => {
    const web = await signIn(reseller1.email);
    await web.get(`/orders/new?category=${partners.id}`);
    const before = await orderCount();
    const res = await web.post("/orders", orderForm({ [`item-${code}-expiresAt`]: after(45) }));
    expect(res.status).toBe(400);
    expect(errorOf(res.html, id("expiresAt"))).toContain("after this category's maximum of P30D");
    expect(control(res.html, id("expiresAt"))).toContain('aria-invalid="true"');
    // The form keeps what was typed.
    expect(control(res.html, id("expiresAt"))).toContain(`value="${after(45)}"`);
    expect(control(res.html, "f-customerName")).toContain('value="Ada Lovelace"');

    const seats = await web.post("/orders", orderForm({ [`item-${code}-seats`]: "9" }));
    expect(seats.status).toBe(400);
    expect(errorOf(seats.html, id("seats"))).toContain("above this category's maximum of 5");

    const missing = await web.post("/orders", orderForm({ "dataField-project": "" }));
    expect(missing.status).toBe(400);
    expect(errorOf(missing.html, "f-dataField-project")).toContain("Project is required");

    const none = await web.post("/orders", orderForm({ [`item-${code}-quantity`]: "0" }));
    expect(none.status).toBe(400);
    expect(textOf(none.html)).toContain("Give the product a quantity of 1 or more.");
    expect(await orderCount()).toBe(before);
  });

  it("does not offer a category without create and refuses a forged order in it", async () => {
    const web = await signIn(noCreate.email);
    const choice = await web.get("/orders/new");
    expect(textOf(choice.html)).toContain("You may not create orders");
    expect(textOf(choice.html)).not.toContain("Internal staff");
    expect((await web.get(`/orders/new?category=${internal.id}`)).status).toBe(403);
    const before = await orderCount();
    const forged = await web.post("/orders", {
      category: internal.id,
      [`item-${code}-quantity`]: "1",
      "dataField-project": "Forged",
    });
    expect(forged.status).toBe(403);
    const withoutCategory = await web.post("/orders", {
      category: "",
      [`item-${code}-quantity`]: "1",
      "dataField-project": "Forged",
    });
    expect(withoutCategory.status).toBe(403);
    expect(await orderCount()).toBe(before);
  });

  it("lets an ISV admin order without a category", async () => {
    const web = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    const choice = await web.get("/orders/new");
    expect(textOf(choice.html)).toContain("Internal staff");
    expect(textOf(choice.html)).toContain("Without a category");
    const page = await web.get("/orders/new?category=none");
    expect(page.status).toBe(200);
    const res = await web.post("/orders", {
      category: "",
      [`item-${code}-quantity`]: "1",
      [`item-${code}-seats`]: "20",
      "dataField-project": "Vendor",
    });
    expect(res.status, textOf(res.html)).toBe(303);
    const order = (await server.api.get(`/api/v1/orders/${res.location!.split("/").pop()}`)).body;
    expect(order.categoryId).toBeNull();
    // Values left as offered keep the product's default rules.
    expect(order.licenses[0]).toMatchObject({
      seats: 20,
      rules: { expiresAt: "P30D", maintenanceUntil: "P1Y" },
    });
  });

  it("shows each license's state on the order, an expired one as expired", async () => {
    const res = await server.api.post("/api/v1/orders", {
      items: [
        { product: code, parameters: { expiresAt: "2020-01-31" } },
        { product: code, parameters: { expiresAt: "P30D" } },
      ],
      dataFields: { project: "States" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await server.api.post(`/api/v1/licenses/${res.body.licenses[1].id}/revoke`);
    const web = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    const html = (await web.get(`/orders/${res.body.id}`)).html;
    const table = textOf(/The licenses of this order[\s\S]*?<\/table>/.exec(html)![0]);
    expect(table).toMatch(/Expired.*2020-01-31.*Revoked/);
    expect(table).not.toContain("Active");
  });

  it("emails the ticket to the customer through the mail server", async () => {
    const web = await signIn(reseller1.email);
    await web.get(`/orders/new?category=${partners.id}`);
    const created = await web.post("/orders", orderForm({ externalOrderNumber: "SO-MAIL-1" }));
    expect(created.status).toBe(303);
    const detail = await web.get(created.location!);
    expect(detail.html).toContain('value="ada@example.com"');
    const ticket = (await server.api.get(`/api/v1/orders/${created.location!.split("/").pop()}`)).body.ticket;
    const bad = await web.post(`${created.location}/ticket-email`, { to: "not an address" });
    expect(bad.status).toBe(400);
    expect(errorOf(bad.html, "send-to")).toContain("Enter an email address");
    const sent = await web.post(`${created.location}/ticket-email`, { to: "buyer@example.com" });
    expect(sent.status).toBe(303);
    const mails = await smtp.waitFor((m) => m.some((x) => x.to.includes("buyer@example.com")));
    const mail = mails.find((x) => x.to.includes("buyer@example.com"))!;
    expect(mail.subject).toContain("SO-MAIL-1");
    expect(mail.text).toContain(ticket);
    expect(mail.text).toContain("/depot");
    const after = await web.follow(created.location!);
    expect(textOf(after.html)).toContain("The ticket was sent to buyer@example.com.");
    expect(textOf(after.html)).toContain("Ticket emailed to buyer@example.com");
  });

  it("shows another reseller's order as not found", async () => {
    const web1 = await signIn(reseller1.email);
    await web1.get(`/orders/new?category=${partners.id}`);
    const created = await web1.post("/orders", orderForm());
    const path = created.location!;
    const web2 = await signIn(reseller2.email);
    const res = await web2.get(path);
    expect(res.status).toBe(404);
    expect(textOf(res.html)).toContain("Not found");
    expect(res.html).not.toContain("Ada Lovelace");
    expect((await web2.get(`${path}/ticket`)).status).toBe(404);
    await web2.get("/orders/new");
    const mailed = await web2.post(`${path}/ticket-email`, { to: "thief@example.com" });
    expect(mailed.status).toBe(404);
  });

  it("shows the newest 500 events of a large order, with a note, and who acted through an API key", async () => {
    const res = await server.api.post("/api/v1/orders", {
      items: [{ product: code, quantity: 600 }],
      dataFields: { project: "Bulk" },
      externalOrderNumber: "BULK-600",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const web = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    const page = await web.get(`/orders/${res.body.id}`);
    expect(page.status).toBe(200);
    const history = historyOf(page.html);
    expect(history.match(/License created/g)).toHaveLength(500);
    // Newest first: the order's own event, the oldest, is beyond the 500 shown.
    expect(history).not.toContain("Order created");
    expect(history).toContain("Only the newest 500 events are shown; the audit log has them all.");
    expect(history).toContain("Administrator (admin@vendor.test), API key “first key”");
  });
});
