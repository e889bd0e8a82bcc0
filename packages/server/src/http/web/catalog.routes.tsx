/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../../config/config.ts";
import { AppError, ErrorCode, notFound } from "../../domain/errors.ts";
import type { DataField, DataFieldInput } from "../../services/data-field.service.ts";
import type { Services } from "../../services/index.ts";
import type { Product } from "../../services/product.service.ts";
import { HTTP_STATUS } from "../errors.ts";
import { CatalogPage, type FormAgain } from "./catalog.pages.tsx";
import {
  AddProductForm,
  CategoryNameForm,
  configValues,
  DataFieldForm,
  durationFromText,
  formValuesOf,
  listFromText,
  MAX_PRODUCT_CODE,
  ProductForm,
  ProductListQuery,
  parseCategoryConfig,
  parseParameterRows,
  productCodeOf,
  rowCount,
  rowValues,
} from "./catalog.schema.ts";
import {
  CategoryListPage,
  CategoryPage,
  type CategoryPageProps,
  CategoryProductPage,
} from "./catalog-categories.pages.tsx";
import {
  DataFieldFormPage,
  type DataFieldFormPageProps,
  DataFieldListPage,
} from "./catalog-data-fields.pages.tsx";
import { ProductFormPage, ProductListPage, ProductPage } from "./catalog-products.pages.tsx";
import { sendCsv } from "./csv.ts";
import { flash } from "./flash.ts";
import { type FormErrors, type FormValues, formErrors, hasErrors, parseForm, sentence } from "./forms.ts";
import type { ListQuery } from "./lists.tsx";
import { badQuery, parseQuery } from "./query.ts";
import { render, seeOther } from "./render.tsx";

const PAGE_SIZE = 50;

type Code = { Params: { code: string } };
type Id = { Params: { id: string } };
type IdCode = { Params: { id: string; code: string } };
type Key = { Params: { key: string } };

/** A product code from a URL; anything else is a product that does not exist. */
function codeOf(text: string): number {
  const code = productCodeOf(text);
  if (code === null) throw notFound("product", text);
  return code;
}

/**
 * The product list's filters and page. What the list's own form and links never send (a key
 * twice, an unknown status, a cursor beyond the highest product code) answers 400.
 */
function productQuery(raw: unknown): { query: ListQuery; status?: string; cursor?: number } {
  const q = parseQuery(ProductListQuery, raw);
  const cursor = q.cursor ? Number(q.cursor) : undefined;
  if (cursor !== undefined && cursor > MAX_PRODUCT_CODE)
    throw badQuery({ cursor: "Start again from the first page." });
  return {
    query: { status: q.status || undefined, search: q.search || undefined, cursor: q.cursor || undefined },
    status: q.status || undefined,
    cursor,
  };
}

const statusOf = (err: unknown) => (err instanceof AppError ? HTTP_STATUS[err.code] : 400);

function merge(a: FormErrors, fields: FormErrors["fields"]): FormErrors {
  return { form: a.form, fields: { ...fields, ...a.fields } };
}

/** A form with only field errors. */
const fieldErrors = (fields: FormErrors["fields"]): FormErrors => ({ form: [], fields });

/**
 * The catalog (ISV admins only): products and their parameters, categories with the
 * configuration of each of their products, data fields. Everybody else gets "Not allowed",
 * on every page and every post; the services check again.
 */
export async function catalogRoutes(app: FastifyInstance, services: Services, config: Config): Promise<void> {
  await app.register(async (catalog) => {
    catalog.addHook("preHandler", async (request) => {
      if (!request.viewer?.user.isIsvAdmin)
        throw new AppError(ErrorCode.FORBIDDEN, "only ISV admins may manage the catalog", {
          required: "isvAdmin",
        });
    });
    registerOverview(catalog, services);
    registerProducts(catalog, services, config);
    registerCategories(catalog, services);
    registerDataFields(catalog, services);
  });
}

/** Every product, page by page (the catalog of one vendor: hundreds at most). */
async function allProducts(services: Services): Promise<Product[]> {
  const out: Product[] = [];
  let cursor: number | undefined;
  for (;;) {
    const page = await services.products.list({ cursor, limit: 200 });
    out.push(...page.data);
    if (page.nextCursor === null) return out;
    cursor = Number(page.nextCursor);
  }
}

function registerOverview(app: FastifyInstance, services: Services) {
  app.get("/catalog", async (request, reply) => {
    const [products, archived, categories, dataFields] = await Promise.all([
      services.products.count(),
      services.products.count("archived"),
      services.categories.list(request.ctx),
      services.dataFields.list(),
    ]);
    return render(
      reply,
      <CatalogPage
        products={products}
        archived={archived}
        categories={categories.length}
        dataFields={dataFields.length}
      />,
    );
  });
}

function registerProducts(app: FastifyInstance, services: Services, config: Config) {
  app.get("/catalog/products", async (request, reply) => {
    const { query, status, cursor } = productQuery(request.query);
    const page = await services.products.list({ status, search: query.search, cursor, limit: PAGE_SIZE });
    return render(reply, <ProductListPage products={page.data} nextCursor={page.nextCursor} query={query} />);
  });

  app.get("/catalog/products.csv", async (request, reply) => {
    const { query, status } = productQuery(request.query);
    return sendCsv<number>(
      reply,
      "products.csv",
      ["code", "name", "status", "description", "parameters", "revision", "fileValidity", "updatedAt"],
      async (cursor) => {
        const page = await services.products.list({ status, search: query.search, cursor, limit: 200 });
        return {
          rows: page.data.map((p) => [
            p.code,
            p.name,
            p.status,
            p.description,
            p.parameters.map((d) => d.key).join(" "),
            p.revision,
            p.fileValidity,
            p.updatedAt,
          ]),
          next: page.nextCursor === null ? null : Number(page.nextCursor),
        };
      },
    );
  });

  /** Reads a product form; null and the page shown again when it is not complete. */
  function readProductForm(request: FastifyRequest, creating: boolean) {
    const values = formValuesOf(request.body);
    const rows = rowCount(values, 1);
    const core = parseForm(ProductForm, request.body);
    const parsed = parseParameterRows(values, rows);
    const errors = core.ok ? fieldErrors(parsed.errors) : merge(core.errors, parsed.errors);
    const code = Number(values.code ?? "");
    if (creating && !errors.fields.code && !(code >= 1 && code <= MAX_PRODUCT_CODE))
      errors.fields.code = values.code
        ? `Use a whole number from 1 to ${MAX_PRODUCT_CODE}.`
        : "Fill in this field.";
    const validity = values.fileValidity ?? "";
    return {
      values,
      rows,
      errors,
      fieldMap: {
        code: "code",
        name: "name",
        description: "description",
        fileValidity: "fileValidity",
        ...parsed.fieldMap,
      },
      input: {
        code,
        name: values.name ?? "",
        description: values.description ?? "",
        parameters: parsed.parameters,
        fileValidity: validity ? (durationFromText(validity) ?? validity) : null,
      },
    };
  }

  const productForm = (
    reply: FastifyReply,
    product: Product | undefined,
    form: FormAgain,
    rows: number,
    status = 200,
  ) => render(reply, <ProductFormPage product={product} form={form} rows={rows} />, { status });

  app.get("/catalog/products/new", async (_request, reply) =>
    productForm(
      reply,
      undefined,
      { errors: { form: [], fields: {} }, values: { fileValidity: config.defaultFileValidity } },
      3,
    ),
  );

  app.post("/catalog/products/new", async (request, reply) => {
    const form = readProductForm(request, true);
    if ((request.body as Record<string, unknown> | undefined)?.add)
      return productForm(
        reply,
        undefined,
        { errors: { form: [], fields: {} }, values: form.values },
        Math.min(form.rows + 1, 100),
      );
    if (hasErrors(form.errors)) return productForm(reply, undefined, form, form.rows, 400);
    try {
      const product = await services.products.create(request.ctx, form.input);
      flash(reply, "success", `${product.name} (${product.code}) was created.`);
      return seeOther(reply, `/catalog/products/${product.code}`);
    } catch (err) {
      return productForm(
        reply,
        undefined,
        { errors: formErrors(err, form.fieldMap), values: form.values },
        form.rows,
        statusOf(err),
      );
    }
  });

  app.get<Code>("/catalog/products/:code", async (request, reply) => {
    const product = await services.products.get(codeOf(request.params.code));
    const categories = (await services.categories.list(request.ctx)).filter((c) =>
      c.products.some((p) => p.code === product.code),
    );
    return render(reply, <ProductPage product={product} categories={categories} />);
  });

  app.get<Code>("/catalog/products/:code/edit", async (request, reply) => {
    const product = await services.products.get(codeOf(request.params.code));
    const values = {
      name: product.name,
      description: product.description,
      fileValidity: product.fileValidity ?? "",
      ...rowValues(product.parameters),
    };
    return productForm(
      reply,
      product,
      { errors: { form: [], fields: {} }, values },
      product.parameters.length + 1,
    );
  });

  app.post<Code>("/catalog/products/:code/edit", async (request, reply) => {
    const product = await services.products.get(codeOf(request.params.code));
    const form = readProductForm(request, false);
    if ((request.body as Record<string, unknown> | undefined)?.add)
      return productForm(
        reply,
        product,
        { errors: { form: [], fields: {} }, values: form.values },
        Math.min(form.rows + 1, 100),
      );
    if (hasErrors(form.errors)) return productForm(reply, product, form, form.rows, 400);
    try {
      const { code: _code, ...changes } = form.input;
      const updated = await services.products.update(request.ctx, product.code, changes);
      flash(reply, "success", `${updated.name} was saved as revision ${updated.revision}.`);
      return seeOther(reply, `/catalog/products/${product.code}`);
    } catch (err) {
      return productForm(
        reply,
        product,
        { errors: formErrors(err, form.fieldMap), values: form.values },
        form.rows,
        statusOf(err),
      );
    }
  });

  for (const [action, archived] of [
    ["archive", true],
    ["restore", false],
  ] as const)
    app.post<Code>(`/catalog/products/:code/${action}`, async (request, reply) => {
      const product = await services.products.setArchived(request.ctx, codeOf(request.params.code), archived);
      flash(
        reply,
        "success",
        archived
          ? `${product.name} is archived: no new orders may use it; its licenses keep working.`
          : `${product.name} is active again.`,
      );
      return seeOther(reply, `/catalog/products/${product.code}`);
    });
}

function registerCategories(app: FastifyInstance, services: Services) {
  app.get("/catalog/categories", async (request, reply) =>
    render(reply, <CategoryListPage categories={await services.categories.list(request.ctx)} />),
  );

  app.get("/catalog/categories.csv", async (request, reply) => {
    const categories = await services.categories.list(request.ctx);
    return sendCsv<never>(reply, "categories.csv", ["id", "name", "products", "updatedAt"], async () => ({
      rows: categories.map((c) => [c.id, c.name, c.products.map((p) => p.code).join(" "), c.updatedAt]),
      next: null,
    }));
  });

  app.post("/catalog/categories", async (request, reply) => {
    const form = parseForm(CategoryNameForm, request.body);
    const again = async (f: FormAgain, status: number) =>
      render(reply, <CategoryListPage categories={await services.categories.list(request.ctx)} form={f} />, {
        status,
      });
    if (!form.ok) return again(form, 400);
    try {
      const category = await services.categories.create(request.ctx, form.value.name);
      flash(reply, "success", `The category ${category.name} was created. Add its products below.`);
      return seeOther(reply, `/catalog/categories/${category.id}`);
    } catch (err) {
      return again({ errors: formErrors(err, ["name"]), values: form.values }, statusOf(err));
    }
  });

  /** The category page's data: the category, its products and the others. */
  async function categoryPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: Partial<CategoryPageProps> = {},
    status = 200,
  ) {
    const category = await services.categories.get(request.ctx, id);
    const all = await allProducts(services);
    const inIt = new Set(category.products.map((p) => p.code));
    const products = new Map(all.filter((p) => inIt.has(p.code)).map((p) => [p.code, p]));
    const others = all.filter((p) => !inIt.has(p.code));
    return render(
      reply,
      <CategoryPage category={category} products={products} others={others} {...extra} />,
      {
        status,
      },
    );
  }

  app.get<Id>("/catalog/categories/:id", async (request, reply) =>
    categoryPage(request, reply, request.params.id),
  );

  app.post<Id>("/catalog/categories/:id", async (request, reply) => {
    const { id } = request.params;
    const form = parseForm(CategoryNameForm, request.body);
    if (!form.ok) return categoryPage(request, reply, id, { rename: form }, 400);
    try {
      const category = await services.categories.rename(request.ctx, id, form.value.name);
      flash(reply, "success", `The category is now called ${category.name}.`);
      return seeOther(reply, `/catalog/categories/${id}`);
    } catch (err) {
      if (err instanceof AppError && err.code === ErrorCode.NOT_FOUND) throw err;
      return categoryPage(
        request,
        reply,
        id,
        { rename: { errors: formErrors(err, ["name"]), values: form.values } },
        statusOf(err),
      );
    }
  });

  app.post<Id>("/catalog/categories/:id/delete", async (request, reply) => {
    const { id } = request.params;
    try {
      const category = await services.categories.get(request.ctx, id);
      await services.categories.delete(request.ctx, id);
      flash(reply, "success", `The category ${category.name} was deleted.`);
      return seeOther(reply, "/catalog/categories");
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== ErrorCode.CATEGORY_IN_USE) throw err;
      return categoryPage(request, reply, id, { deleteError: sentence(err.message) }, statusOf(err));
    }
  });

  app.post<Id>("/catalog/categories/:id/products", async (request, reply) => {
    const { id } = request.params;
    const form = parseForm(AddProductForm, request.body);
    if (!form.ok) return categoryPage(request, reply, id, { add: form }, 400);
    const code = productCodeOf(form.value.code);
    // A code beyond the highest product code is no product: refused before any query.
    if (code === null)
      return categoryPage(
        request,
        reply,
        id,
        { add: { errors: fieldErrors({ code: "Choose a product." }), values: form.values } },
        400,
      );
    const category = await services.categories.get(request.ctx, id);
    // Adding twice (a double click) must not reset a configuration.
    if (!category.products.some((p) => p.code === code)) {
      try {
        await services.categories.configureProduct(request.ctx, id, code, { parameters: {} });
      } catch (err) {
        return categoryPage(
          request,
          reply,
          id,
          { add: { errors: formErrors(err, ["code"]), values: form.values } },
          statusOf(err),
        );
      }
      flash(reply, "success", "The product was added with its defaults. Configure its values here.");
    }
    return seeOther(reply, `/catalog/categories/${id}/products/${code}`);
  });

  /** The category and its product, or "not found" when the product is not in it. */
  async function categoryProduct(request: FastifyRequest<IdCode>) {
    const category = await services.categories.get(request.ctx, request.params.id);
    const code = codeOf(request.params.code);
    const entry = category.products.find((p) => p.code === code);
    if (!entry) throw notFound("product in this category", code);
    return { category, entry, product: await services.products.get(code) };
  }

  app.get<IdCode>("/catalog/categories/:id/products/:code", async (request, reply) => {
    const { category, entry, product } = await categoryProduct(request);
    const values = configValues(
      product.parameters.filter((d) => d.binding === "order"),
      entry,
    );
    return render(
      reply,
      <CategoryProductPage
        category={category}
        product={product}
        form={{ errors: { form: [], fields: {} }, values }}
      />,
    );
  });

  app.post<IdCode>("/catalog/categories/:id/products/:code", async (request, reply) => {
    const { category, product } = await categoryProduct(request);
    const values = formValuesOf(request.body);
    const parsed = parseCategoryConfig(
      product.parameters.filter((d) => d.binding === "order"),
      values,
    );
    const again = (errors: FormErrors, status: number) =>
      render(reply, <CategoryProductPage category={category} product={product} form={{ errors, values }} />, {
        status,
      });
    if (Object.keys(parsed.errors).length) return again(fieldErrors(parsed.errors), 400);
    try {
      await services.categories.configureProduct(request.ctx, category.id, product.code, parsed.config);
    } catch (err) {
      if (err instanceof AppError && err.code === ErrorCode.NOT_FOUND) throw err;
      return again(formErrors(err, parsed.fieldMap), statusOf(err));
    }
    flash(reply, "success", `The configuration of ${product.name} in ${category.name} was saved.`);
    return seeOther(reply, `/catalog/categories/${category.id}`);
  });

  app.post<IdCode>("/catalog/categories/:id/products/:code/remove", async (request, reply) => {
    const { category, product } = await categoryProduct(request);
    await services.categories.removeProduct(request.ctx, category.id, product.code);
    flash(
      reply,
      "success",
      `${product.name} was removed from ${category.name}. Its licenses keep the values they were created with.`,
    );
    return seeOther(reply, `/catalog/categories/${category.id}`);
  });
}

function registerDataFields(app: FastifyInstance, services: Services) {
  app.get("/catalog/data-fields", async (request, reply) => {
    const [fields, categories] = await Promise.all([
      services.dataFields.list(),
      services.categories.list(request.ctx),
    ]);
    return render(reply, <DataFieldListPage fields={fields} categories={categories} />);
  });

  app.get("/catalog/data-fields.csv", async (request, reply) => {
    const [fields, categories] = await Promise.all([
      services.dataFields.list(),
      services.categories.list(request.ctx),
    ]);
    const names = new Map(categories.map((c) => [c.id, c.name]));
    return sendCsv<never>(
      reply,
      "data-fields.csv",
      [
        "key",
        "label",
        "type",
        "required",
        "unique",
        "maxLength",
        "pattern",
        "min",
        "max",
        "options",
        "categories",
        "position",
      ],
      async () => ({
        rows: fields.map((f) => [
          f.key,
          f.label,
          f.type,
          f.required,
          f.unique,
          f.maxLength,
          f.pattern,
          f.min,
          f.max,
          f.options?.join(" | "),
          f.categories.map((id) => names.get(id) ?? id).join(" | "),
          f.position,
        ]),
        next: null,
      }),
    );
  });

  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    props: Omit<DataFieldFormPageProps, "categories">,
    status = 200,
  ) {
    const categories = await services.categories.list(request.ctx);
    return render(reply, <DataFieldFormPage categories={categories} {...props} />, { status });
  }

  async function findField(key: string): Promise<DataField> {
    const field = (await services.dataFields.list()).find((f) => f.key === key);
    if (!field) throw notFound("data field", key);
    return field;
  }

  /** Reads the data field form: the input for the service, or the errors to show. */
  function readFieldForm(request: FastifyRequest) {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const raw = body.categories;
    const selected = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
      (c): c is string => typeof c === "string" && c.length > 0 && c.length <= 64,
    );
    const form = parseForm(DataFieldForm, body);
    const values: FormValues = {
      ...form.values,
      ...(body.required === "yes" ? { required: "yes" } : {}),
      ...(body.unique === "yes" ? { unique: "yes" } : {}),
    };
    const errors: FormErrors = form.ok ? { form: [], fields: {} } : form.errors;
    const number = (k: "min" | "max" | "maxLength" | "position", whole: boolean): number | undefined => {
      const t = values[k] ?? "";
      if (!t) return undefined;
      const ok = whole ? /^-?\d+$/.test(t) : /^-?\d+(?:\.\d+)?$/.test(t);
      if (!ok) errors.fields[k] ??= whole ? "Enter a whole number." : "Enter a number, e.g. 5 or 2.5.";
      return ok ? Number(t) : undefined;
    };
    const options = listFromText(values.options ?? "");
    const rules = {
      label: values.label ?? "",
      required: values.required === "yes",
      maxLength: number("maxLength", true),
      pattern: values.pattern || undefined,
      min: number("min", false),
      max: number("max", false),
      options: options.length ? options : undefined,
      categories: selected,
      position: number("position", true),
    };
    return {
      values,
      errors,
      selected,
      rules,
      type: values.type,
      key: values.key ?? "",
      unique: values.unique === "yes",
    };
  }

  const FIELD_MAP: Record<string, string> = {
    key: "key",
    label: "label",
    type: "type",
    maxLength: "maxLength",
    pattern: "pattern",
    min: "min",
    max: "max",
    options: "options",
    position: "position",
  };
  const fieldMapFor = (categories: number) => ({
    ...FIELD_MAP,
    ...Object.fromEntries(Array.from({ length: categories }, (_, i) => [`categories.${i}`, "categories"])),
  });

  app.get("/catalog/data-fields/new", async (request, reply) =>
    formPage(request, reply, { form: { errors: { form: [], fields: {} }, values: {} }, selected: [] }),
  );

  app.post("/catalog/data-fields/new", async (request, reply) => {
    const f = readFieldForm(request);
    if (!f.type) f.errors.fields.type ??= "Choose text, number, select or date.";
    if (!f.key) f.errors.fields.key ??= "Fill in this field.";
    const again = (errors: FormErrors, status: number) =>
      formPage(request, reply, { form: { errors, values: f.values }, selected: f.selected }, status);
    if (hasErrors(f.errors)) return again(f.errors, 400);
    try {
      const input: DataFieldInput = {
        ...f.rules,
        key: f.key,
        type: f.type as DataFieldInput["type"],
        unique: f.unique,
      };
      const field = await services.dataFields.create(request.ctx, input);
      flash(reply, "success", `The data field ${field.label} was created.`);
      return seeOther(reply, "/catalog/data-fields");
    } catch (err) {
      return again(formErrors(err, fieldMapFor(f.selected.length)), statusOf(err));
    }
  });

  /** The edit form's values of a stored field. */
  function fieldValues(field: DataField): FormValues {
    const text = (v: unknown) => (v === undefined || v === null ? "" : String(v));
    return {
      label: field.label,
      ...(field.required ? { required: "yes" } : {}),
      maxLength: text(field.maxLength),
      pattern: text(field.pattern),
      min: text(field.min),
      max: text(field.max),
      options: field.options?.join(", ") ?? "",
      position: text(field.position),
    };
  }

  app.get<Key>("/catalog/data-fields/:key", async (request, reply) => {
    const field = await findField(request.params.key);
    const form = { errors: { form: [], fields: {} }, values: fieldValues(field) };
    return formPage(request, reply, { field, form, selected: field.categories });
  });

  app.post<Key>("/catalog/data-fields/:key", async (request, reply) => {
    const field = await findField(request.params.key);
    const f = readFieldForm(request);
    const again = (errors: FormErrors, status: number) =>
      formPage(request, reply, { field, form: { errors, values: f.values }, selected: f.selected }, status);
    if (hasErrors(f.errors)) return again(f.errors, 400);
    try {
      const updated = await services.dataFields.update(request.ctx, field.key, f.rules);
      flash(reply, "success", `The data field ${updated.label} was saved.`);
      return seeOther(reply, "/catalog/data-fields");
    } catch (err) {
      if (err instanceof AppError && err.code === ErrorCode.NOT_FOUND) throw err;
      return again(formErrors(err, fieldMapFor(f.selected.length)), statusOf(err));
    }
  });

  app.post<Key>("/catalog/data-fields/:key/delete", async (request, reply) => {
    const field = await findField(request.params.key);
    try {
      await services.dataFields.delete(request.ctx, field.key);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== ErrorCode.VALIDATION_FAILED) throw err;
      const form = { errors: { form: [], fields: {} }, values: fieldValues(field) };
      const deleteError = sentence(err.message.replace(/^key: /, ""));
      return formPage(
        request,
        reply,
        { field, form, selected: field.categories, deleteError },
        statusOf(err),
      );
    }
    flash(reply, "success", `The data field ${field.label} was deleted.`);
    return seeOther(reply, "/catalog/data-fields");
  });
}
