import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrder, createProduct } from "../support/factories.ts";
import { dialects, startTestServer, type TestServer } from "../support/harness.ts";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createCategory, createGroup, createUser } from "../support/partners.ts";
import { parseCsv, textOf, WebClient } from "../support/web.ts";

/** The error shown next to a form field, or null. */
function errorOf(html: string, field: string, form = "f"): string | null {
  const id = `${form}-${field}-error`.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</p>`).exec(html);
  return m ? textOf(m[1]!).replace(/^Error: /, "") : null;
}

/** The id in a category page's address. */
const idOf = (location: string | null) => /\/catalog\/categories\/([^/]+)/.exec(location ?? "")![1]!;

describe.each(await dialects())("the catalog pages on %s", (dialect) => {
  let server: TestServer;
  let web: WebClient;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    web = await new WebClient(server.url).signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  });
  afterAll(() => server.close());

  it("lists products with a search, a status filter and the CSV export", async () => {
    const alpha = await createProduct(server.api, { name: "Alpha Editor" });
    const old = await createProduct(server.api, { name: "Alpha Archive" });
    await createProduct(server.api, { name: "Beta Viewer" });
    expect((await server.api.post(`/api/v1/products/${old.code}/archive`)).status).toBe(200);

    const overview = await web.get("/catalog");
    expect(overview.status).toBe(200);
    expect(textOf(overview.html)).toContain("3 products, 1 of them archived.");

    const search = textOf((await web.get("/catalog/products?search=alpha")).html);
    expect(search).toContain("Alpha Editor");
    expect(search).toContain("Alpha Archive");
    expect(search).not.toContain("Beta Viewer");

    const archived = textOf((await web.get("/catalog/products?search=alpha&status=archived")).html);
    expect(archived).toContain("Alpha Archive");
    expect(archived).not.toContain("Alpha Editor");

    const csv = await web.get("/catalog/products.csv?search=alpha&status=active");
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const rows = parseCsv(csv.html);
    expect(rows[0]).toEqual([
      "code",
      "name",
      "status",
      "description",
      "parameters",
      "revision",
      "fileValidity",
      "updatedAt",
    ]);
    expect(rows.slice(1).map((r) => r.slice(0, 3))).toEqual([[String(alpha.code), "Alpha Editor", "active"]]);
  });

  it("refuses a list address it cannot read: a cursor beyond the highest code, a key sent twice", async () => {
    await createProduct(server.api, { name: "Cursor Studio" });
    for (const path of [
      "/catalog/products?cursor=9999999999",
      "/catalog/products.csv?cursor=9999999999",
      "/catalog/products?cursor=2147483648",
      "/catalog/products?cursor=1&cursor=2",
      "/catalog/products.csv?status=active&status=archived",
      "/catalog/products?status=gone",
    ]) {
      const res = await web.get(path);
      expect(res.status, path).toBe(400);
      expect(textOf(res.html), path).toContain("The address of this page cannot be read");
    }
    // The highest code itself is a valid cursor: the page after it is empty.
    const last = await web.get("/catalog/products?cursor=2147483647");
    expect(last.status).toBe(200);
    expect(textOf(last.html)).toContain("No product matches.");
    const emptyFilters = await web.get("/catalog/products?search=&status=&cursor=");
    expect(emptyFilters.status).toBe(200);
    expect(textOf(emptyFilters.html)).toContain("Cursor Studio");
  });

  it("refuses to add a product code beyond the highest one, next to the field", async () => {
    await createProduct(server.api, { name: "Offered Studio" });
    const category = await createCategory(server.api, "Out of range");
    await web.get(`/catalog/categories/${category.id}`);
    for (const code of ["9999999999", "2147483648", "0"]) {
      const res = await web.post(`/catalog/categories/${category.id}/products`, { code });
      expect(res.status, code).toBe(400);
      expect(errorOf(res.html, "code", "add"), code).toBe("Choose a product.");
    }
    const unchanged = await server.api.get(`/api/v1/categories/${category.id}`);
    expect(unchanged.body.products).toEqual([]);
  });

  it("creates a product with parameters through the form, adding a row without JavaScript", async () => {
    await web.get("/catalog/products/new");
    const fields = {
      code: "7001",
      name: "Form Studio",
      description: "Made in the console",
      fileValidity: "30 days",
      rows: "3",
      "parameters.0.key": "expiresAt",
      "parameters.0.label": "Expiry",
      "parameters.0.type": "date",
      "parameters.0.binding": "order",
      "parameters.0.default": "30 days",
      "parameters.1.key": "seats",
      "parameters.1.label": "Seats",
      "parameters.1.type": "number",
      "parameters.1.binding": "order",
      "parameters.1.default": "1",
      "parameters.1.min": "1",
      "parameters.1.integer": "yes",
      "parameters.2.key": "features",
      "parameters.2.label": "Features",
      "parameters.2.type": "features",
      "parameters.2.binding": "order",
      "parameters.2.values": "export, cloud",
      "parameters.2.default": "export",
    };
    const more = await web.post("/catalog/products/new", { ...fields, add: "1" });
    expect(more.status).toBe(200);
    expect(more.html).toContain('name="parameters.3.key"');
    expect(more.html).toContain('value="Form Studio"');

    const res = await web.post("/catalog/products/new", {
      ...fields,
      rows: "4",
      "parameters.3.key": "edition",
      "parameters.3.label": "Edition",
      "parameters.3.type": "select",
      "parameters.3.binding": "static",
      "parameters.3.values": "standard, pro",
      "parameters.3.default": "pro",
    });
    expect(res.status, textOf(res.html)).toBe(303);
    expect(res.location).toBe("/catalog/products/7001");
    const page = await web.follow("/catalog/products/7001");
    const text = textOf(page.html);
    expect(text).toContain("Form Studio (7001) was created.");
    expect(text).toContain("Expiry expiresAt Date Per order 30 days after creation");
    expect(text).toContain("Edition edition Select Static (in the product) pro");
    expect(text).toContain("License file validity 30 days");

    const api = await server.api.get("/api/v1/products/7001");
    expect(api.body).toMatchObject({
      name: "Form Studio",
      description: "Made in the console",
      fileValidity: "P30D",
    });
    expect(api.body.parameters).toEqual([
      { key: "expiresAt", label: "Expiry", type: "date", binding: "order", default: "P30D" },
      { key: "seats", label: "Seats", type: "number", binding: "order", default: 1, min: 1, integer: true },
      {
        key: "features",
        label: "Features",
        type: "features",
        binding: "order",
        features: ["export", "cloud"],
        default: ["export"],
      },
      {
        key: "edition",
        label: "Edition",
        type: "select",
        binding: "static",
        options: ["standard", "pro"],
        default: "pro",
      },
    ]);

    // Editing: the name changes, a parameter is removed by emptying its row.
    const edit = await web.get("/catalog/products/7001/edit");
    expect(edit.html).toContain('name="parameters.4.key"');
    const saved = await web.post("/catalog/products/7001/edit", {
      name: "Form Studio 2",
      description: "Made in the console",
      fileValidity: "",
      rows: "2",
      "parameters.0.key": "expiresAt",
      "parameters.0.label": "Expiry",
      "parameters.0.type": "date",
      "parameters.0.binding": "order",
      "parameters.0.default": "P1Y",
    });
    expect(saved.status, textOf(saved.html)).toBe(303);
    const after = await server.api.get("/api/v1/products/7001");
    expect(after.body).toMatchObject({ name: "Form Studio 2", revision: 2, fileValidity: null });
    expect(after.body.parameters).toEqual([
      { key: "expiresAt", label: "Expiry", type: "date", binding: "order", default: "P1Y" },
    ]);

    const archive = await web.post("/catalog/products/7001/archive", {});
    expect(archive.status).toBe(303);
    expect(textOf((await web.follow(archive.location!)).html)).toContain("Form Studio 2 is archived");
    expect((await server.api.get("/api/v1/products/7001")).body.status).toBe("archived");
  });

  it("shows what is wrong next to the fields and creates nothing", async () => {
    await web.get("/catalog/products/new");
    const res = await web.post("/catalog/products/new", {
      code: "abc",
      name: "",
      rows: "1",
      "parameters.0.label": "Seats",
      "parameters.0.type": "number",
      "parameters.0.binding": "order",
      "parameters.0.default": "many",
    });
    expect(res.status).toBe(400);
    expect(errorOf(res.html, "code")).toBe("Enter a whole number, e.g. 1001.");
    expect(errorOf(res.html, "name")).toBe("Fill in this field.");
    expect(errorOf(res.html, "parameters.0.key")).toBe("Fill in this field.");
    expect(errorOf(res.html, "parameters.0.default")).toBe("Enter a number, e.g. 5 or 2.5.");

    // The service's rules, next to the row they concern (the empty first row is skipped).
    const wrong = await web.post("/catalog/products/new", {
      code: "7002",
      name: "Wrong Studio",
      rows: "2",
      "parameters.1.key": "expiresAt",
      "parameters.1.label": "Expiry",
      "parameters.1.type": "number",
      "parameters.1.binding": "order",
    });
    expect(wrong.status).toBe(400);
    expect(errorOf(wrong.html, "parameters.1.type")).toBe("ExpiresAt is well-known and must have type date.");
    expect(wrong.html).toContain('value="Wrong Studio"');

    const taken = await web.post("/catalog/products/new", { code: "7001", name: "Again", rows: "1" });
    expect(taken.status).toBe(409);
    expect(errorOf(taken.html, "code")).toBe("Product code 7001 is already used; product codes are unique.");

    expect((await server.api.get("/api/v1/products/7002")).status).toBe(404);
  });

  it("configures fixed and flexible parameters, shown on the page and through the API", async () => {
    const product = await createProduct(server.api, { name: "Config Studio" });
    await web.get("/catalog/categories");
    const created = await web.post("/catalog/categories", { name: "Web Partners" });
    expect(created.status).toBe(303);
    const id = idOf(created.location);
    const added = await web.post(`/catalog/categories/${id}/products`, { code: String(product.code) });
    expect(added.status).toBe(303);
    expect(added.location).toBe(`/catalog/categories/${id}/products/${product.code}`);
    const form = await web.get(added.location!);
    expect(textOf(form.html)).toContain("Config Studio in Web Partners");

    const saved = await web.post(added.location!, {
      "param.expiresAt.mode": "flexible",
      "param.expiresAt.input": "date",
      "param.expiresAt.minRelative": "1 day",
      "param.expiresAt.maxRelative": "30 days",
      "param.expiresAt.value": "ignored because the mode is flexible",
      "param.maintenanceUntil.mode": "fixed",
      "param.maintenanceUntil.value": "P1Y",
      "param.seats.mode": "flexible",
      "param.seats.input": "number",
      "param.seats.min": "1",
      "param.seats.max": "5",
      "param.features.mode": "flexible",
      "param.features.input": "select",
      "param.features.options": "export, cloud",
      "param.edition.mode": "fixed",
      "param.edition.value": "pro",
      "param.edition.options": "ignored too",
    });
    expect(saved.status, textOf(saved.html)).toBe(303);
    const page = textOf((await web.follow(saved.location!)).html);
    expect(page).toContain("Expiry Flexible (date), from 1 day to 30 days after creation");
    expect(page).toContain("Maintenance Fixed: 1 year after creation");
    expect(page).toContain("Seats Flexible (number), from 1 to 5");
    expect(page).toContain("Features Flexible, one of: export or cloud");
    expect(page).toContain("Edition Fixed: pro");

    const api = await server.api.get(`/api/v1/categories/${id}`);
    expect(api.body.products).toEqual([
      {
        code: product.code,
        parameters: {
          expiresAt: { mode: "flexible", input: "date", minRelative: "P1D", maxRelative: "P30D" },
          maintenanceUntil: { mode: "fixed", value: "P1Y" },
          seats: { mode: "flexible", input: "number", min: 1, max: 5 },
          features: { mode: "flexible", input: "select", options: ["export", "cloud"] },
          edition: { mode: "fixed", value: "pro" },
        },
      },
    ]);

    // The form shows the stored configuration again.
    const again = await web.get(added.location!);
    expect(again.html).toContain('name="param.seats.max" type="text" value="5"');

    // A second category offers a selection of expiries.
    const internal = idOf((await web.post("/catalog/categories", { name: "Web Internal" })).location);
    await web.post(`/catalog/categories/${internal}/products`, { code: String(product.code) });
    const select = await web.post(`/catalog/categories/${internal}/products/${product.code}`, {
      "param.expiresAt.mode": "flexible",
      "param.expiresAt.input": "select",
      "param.expiresAt.options": "5 days, 30 days, P60D, 90 days",
    });
    expect(select.status, textOf(select.html)).toBe(303);
    expect(textOf((await web.follow(select.location!)).html)).toContain(
      "Expiry Flexible, one of: 5 days, 30 days, 60 days or 90 days after creation",
    );
    const internalApi = await server.api.get(`/api/v1/categories/${internal}`);
    expect(internalApi.body.products[0].parameters).toEqual({
      expiresAt: { mode: "flexible", input: "select", options: ["P5D", "P30D", "P60D", "P90D"] },
    });

    // The product page names both categories.
    const productPage = textOf((await web.get(`/catalog/products/${product.code}`)).html);
    expect(productPage).toContain("Web Partners");
    expect(productPage).toContain("Web Internal");
  });

  it("refuses a configuration invalid for the type, with the message next to the field", async () => {
    const product = await createProduct(server.api, { name: "Strict Studio" });
    const category = await createCategory(server.api, "Strict");
    await web.get("/catalog/categories");
    await web.post(`/catalog/categories/${category.id}/products`, { code: String(product.code) });
    const path = `/catalog/categories/${category.id}/products/${product.code}`;
    await web.get(path);

    const minMax = await web.post(path, {
      "param.seats.mode": "flexible",
      "param.seats.input": "number",
      "param.seats.min": "10",
      "param.seats.max": "5",
    });
    expect(minMax.status).toBe(400);
    expect(errorOf(minMax.html, "param.seats.min")).toBe("Min 10 is greater than max 5.");
    expect(minMax.html).toContain('value="10"');

    const selectWithBounds = await web.post(path, {
      "param.seats.mode": "flexible",
      "param.seats.input": "select",
      "param.seats.min": "1",
      "param.seats.options": "1, 5, 10",
    });
    expect(selectWithBounds.status).toBe(400);
    expect(errorOf(selectWithBounds.html, "param.seats.min")).toBe("Min applies to number input only.");

    // A pattern for a number is not offered by the form; sent anyway, it is refused at the top.
    const pattern = await web.post(path, {
      "param.seats.mode": "flexible",
      "param.seats.input": "number",
      "param.seats.pattern": "[0-9]+",
    });
    expect(pattern.status).toBe(400);
    expect(textOf(pattern.html)).toContain("Parameters.seats.pattern: pattern applies to text input only.");

    const date = await web.post(path, {
      "param.expiresAt.mode": "flexible",
      "param.expiresAt.input": "date",
      "param.expiresAt.minRelative": "30 days",
      "param.expiresAt.maxRelative": "soon",
    });
    expect(date.status).toBe(400);
    expect(errorOf(date.html, "param.expiresAt.maxRelative")).toBe(
      "Soon must be a duration such as P1D or P30D.",
    );

    const api = await server.api.get(`/api/v1/categories/${category.id}`);
    expect(api.body.products).toEqual([{ code: product.code, parameters: {} }]);
  });

  it("configures a subscription of a category product", async () => {
    const product = await createProduct(server.api, { name: "Subscribed Studio" });
    const category = await createCategory(server.api, "Subscriptions");
    await web.get("/catalog/categories");
    await web.post(`/catalog/categories/${category.id}/products`, { code: String(product.code) });
    const path = `/catalog/categories/${category.id}/products/${product.code}`;
    await web.get(path);
    const res = await web.post(path, {
      "subscription.type": "license",
      "subscription.cancellationPeriod": "3 months",
      "subscription.firstEnd.mode": "flexible",
      "subscription.firstEnd.min": "1 year",
      "subscription.firstEnd.max": "3 years",
      "subscription.alignTo": "quarter",
      "subscription.renewalTerm": "",
    });
    expect(res.status, textOf(res.html)).toBe(303);
    const page = textOf((await web.follow(res.location!)).html);
    expect(page).toContain("Expiry Driven by the subscription");
    expect(page).toContain(
      "License subscription (drives the expiry); first end from 1 year to 3 years after creation; aligned to the end of the quarter; cancellation period 3 months; renews by 1 year",
    );
    const api = await server.api.get(`/api/v1/categories/${category.id}`);
    expect(api.body.products[0].subscription).toEqual({
      type: "license",
      cancellationPeriod: "P3M",
      firstEnd: { mode: "flexible", min: "P1Y", max: "P3Y" },
      alignTo: "quarter",
    });

    const short = await web.post(path, {
      "subscription.type": "license",
      "subscription.cancellationPeriod": "2 years",
      "subscription.firstEnd.mode": "fixed",
      "subscription.firstEnd.value": "1 year",
    });
    expect(short.status).toBe(400);
    expect(errorOf(short.html, "subscription.cancellationPeriod")).toContain(
      "P2Y must be shorter than the first term",
    );
  });

  it("renames categories, removes products and refuses to delete a category a license remembers", async () => {
    const product = await createProduct(server.api, { name: "Remembered Studio" });
    const category = await createCategory(server.api, "Remembered");
    await server.api.request("PUT", `/api/v1/categories/${category.id}/products/${product.code}`, {
      parameters: {},
    });
    await createOrder(server.api, product.code, {}, { category: category.id });
    await web.get(`/catalog/categories/${category.id}`);

    const refused = await web.post(`/catalog/categories/${category.id}/delete`, {});
    expect(refused.status).toBe(409);
    expect(textOf(refused.html)).toContain(
      "Category Remembered is remembered by 1 license(s) and cannot be deleted.",
    );
    expect((await server.api.get(`/api/v1/categories/${category.id}`)).status).toBe(200);

    await createCategory(server.api, "Taken Name");
    const taken = await web.post(`/catalog/categories/${category.id}`, { name: "taken name" });
    expect(taken.status).toBe(409);
    expect(errorOf(taken.html, "name", "rename")).toBe('A category named "taken name" exists already.');

    const renamed = await web.post(`/catalog/categories/${category.id}`, { name: "Remembered Partners" });
    expect(renamed.status).toBe(303);
    const removed = await web.post(`/catalog/categories/${category.id}/products/${product.code}/remove`, {});
    expect(removed.status).toBe(303);
    const page = textOf((await web.follow(removed.location!)).html);
    expect(page).toContain("Remembered Studio was removed from Remembered Partners.");
    expect(page).toContain("No product yet");

    const unused = await createCategory(server.api, "Unused");
    const deleted = await web.post(`/catalog/categories/${unused.id}/delete`, {});
    expect(deleted.status).toBe(303);
    expect((await server.api.get(`/api/v1/categories/${unused.id}`)).status).toBe(404);

    const csv = parseCsv((await web.get("/catalog/categories.csv")).html);
    expect(csv.map((r) => r[1])).toContain("Remembered Partners");
    expect(csv.map((r) => r[1])).not.toContain("Unused");
  });

  it("creates, changes and deletes data fields", async () => {
    const category = await createCategory(server.api, "Fielded");
    await web.get("/catalog/data-fields/new");
    const bad = await web.post("/catalog/data-fields/new", {
      key: "1st",
      label: "ERP order",
      type: "text",
      maxLength: "ten",
    });
    expect(bad.status).toBe(400);
    expect(errorOf(bad.html, "maxLength")).toBe("Enter a whole number.");
    const badKey = await web.post("/catalog/data-fields/new", {
      key: "1st",
      label: "ERP order",
      type: "text",
    });
    expect(badKey.status).toBe(400);
    expect(errorOf(badKey.html, "key")).toContain("must start with a letter");

    const created = await web.post("/catalog/data-fields/new", {
      key: "erpOrder",
      label: "ERP order",
      type: "text",
      required: "yes",
      unique: "yes",
      pattern: "SO-[0-9]+",
      categories: [category.id],
    });
    expect(created.status, textOf(created.html)).toBe(303);
    const list = textOf((await web.follow("/catalog/data-fields")).html);
    expect(list).toContain("ERP order erpOrder Text Yes Yes pattern SO-[0-9]+ Fielded");

    await web.get("/catalog/data-fields/erpOrder");
    const changed = await web.post("/catalog/data-fields/erpOrder", {
      label: "Sales order",
      pattern: "SO-[0-9]+",
      maxLength: "20",
    });
    expect(changed.status, textOf(changed.html)).toBe(303);
    const api = await server.api.get("/api/v1/data-fields");
    expect(api.body.data).toEqual([
      expect.objectContaining({
        key: "erpOrder",
        label: "Sales order",
        required: false,
        unique: true,
        maxLength: 20,
        pattern: "SO-[0-9]+",
        categories: [],
      }),
    ]);

    const deleted = await web.post("/catalog/data-fields/erpOrder/delete", {});
    expect(deleted.status).toBe(303);
    expect((await server.api.get("/api/v1/data-fields")).body.data).toEqual([]);
  });

  it("answers Not allowed to a reseller, and its forged posts change nothing", async () => {
    const group = await createGroup(server.api, "Catalog Reseller");
    const user = await createUser(server.api, group.id, { isAdmin: true });
    const reseller = await new WebClient(server.url).signIn(user.email, user.password);
    const category = await createCategory(server.api, "Guarded");
    const product = await createProduct(server.api, { name: "Guarded Studio" });

    const home = await reseller.get("/");
    expect(textOf(home.html)).not.toContain("Catalog");
    for (const path of [
      "/catalog",
      "/catalog/products",
      "/catalog/products.csv",
      `/catalog/products/${product.code}`,
      `/catalog/categories/${category.id}`,
      "/catalog/data-fields",
    ]) {
      const res = await reseller.get(path);
      expect(res.status, path).toBe(403);
      expect(textOf(res.html)).toContain("Only ISV admins may manage the catalog.");
    }

    const posts: [string, Record<string, string>][] = [
      ["/catalog/products/new", { code: "7900", name: "Forged", rows: "0" }],
      [`/catalog/products/${product.code}/archive`, {}],
      ["/catalog/categories", { name: "Forged" }],
      [`/catalog/categories/${category.id}/delete`, {}],
      [`/catalog/categories/${category.id}/products`, { code: String(product.code) }],
      ["/catalog/data-fields/new", { key: "forged", label: "Forged", type: "text" }],
    ];
    for (const [path, fields] of posts) expect((await reseller.post(path, fields)).status, path).toBe(403);

    expect((await server.api.get("/api/v1/products/7900")).status).toBe(404);
    expect((await server.api.get(`/api/v1/products/${product.code}`)).body.status).toBe("active");
    const guarded = await server.api.get(`/api/v1/categories/${category.id}`);
    expect(guarded.body.products).toEqual([]);
    const names = (await server.api.get("/api/v1/categories")).body.data.map((c: { name: string }) => c.name);
    expect(names).not.toContain("Forged");
    const fields = (await server.api.get("/api/v1/data-fields")).body.data;
    expect(fields.map((f: { key: string }) => f.key)).not.toContain("forged");
  });
});
