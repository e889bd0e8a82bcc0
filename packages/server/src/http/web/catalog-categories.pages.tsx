/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { ParameterDefinition } from "../../domain/parameters.ts";
import type { Category } from "../../services/category.service.ts";
import type { Product } from "../../services/product.service.ts";
import {
  CatalogLayout,
  describeRule,
  describeSubscription,
  describeValue,
  type FormAgain,
  INPUT_LABEL,
  NO_FORM,
  RadioGroup,
  TYPE_LABEL,
} from "./catalog.pages.tsx";
import { configName, INPUT_KINDS } from "./catalog.schema.ts";
import { ActionForm, Button, Card, Field, Form, PageHeader, Select } from "./components.tsx";
import { NO_ERRORS } from "./forms.ts";
import { Pager, when } from "./lists.tsx";

/* Catalog pages of categories: the list, one category with its products, and the configuration
 * of one product in a category. */

export function CategoryListPage(props: { categories: Category[]; form?: FormAgain }) {
  const form = props.form ?? NO_FORM;
  return (
    <CatalogLayout title="Categories">
      <PageHeader
        title="Categories"
        lead="A category is a set of products and a permission: users create licenses through the categories they hold a right on, with the values the category fixes or lets them choose."
      />
      {props.categories.length === 0 ? (
        <p class="muted">No category yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Category</th>
                <th scope="col">Products</th>
                <th scope="col">Changed</th>
              </tr>
            </thead>
            <tbody>
              {props.categories.map((c) => (
                <tr>
                  <td>
                    <a href={`/catalog/categories/${c.id}`}>{c.name}</a>
                  </td>
                  <td>{c.products.length}</td>
                  <td>{when(c.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        path="/catalog/categories"
        query={{}}
        nextCursor={null}
        shown={props.categories.length}
        noun="categories"
      />
      <Card title="New category" id="new-category">
        <Form action="/catalog/categories" errors={form.errors} values={form.values} idPrefix="new">
          <Field name="name" label="Name" required maxlength={200} hint="For example Partners or Internal." />
          <Button>Create category</Button>
        </Form>
      </Card>
    </CatalogLayout>
  );
}

export interface CategoryPageProps {
  category: Category;
  /** The products of the category, by code. */
  products: Map<number, Product>;
  /** Products not yet in the category. */
  others: Product[];
  rename?: FormAgain;
  add?: FormAgain;
  /** Why the category could not be deleted. */
  deleteError?: string;
}

export function CategoryPage(props: CategoryPageProps) {
  const c = props.category;
  const rename = props.rename ?? { errors: NO_ERRORS, values: { name: c.name } };
  const add = props.add ?? NO_FORM;
  return (
    <CatalogLayout title={c.name}>
      <PageHeader title={c.name} lead="The products this category sells and the values of their licenses." />
      <Card title="Products in this category" id="products">
        {c.products.length === 0 && <p class="muted">No product yet: add one below.</p>}
        {c.products.map((cp) => {
          const product = props.products.get(cp.code);
          if (!product) return null;
          return <CategoryProductSummary category={c} product={product} config={cp} />;
        })}
        {props.others.length > 0 ? (
          <Form
            action={`/catalog/categories/${c.id}/products`}
            errors={add.errors}
            values={add.values}
            idPrefix="add"
            class="subsection"
          >
            <Select
              name="code"
              label="Add a product"
              required
              options={[
                { value: "", label: "Choose a product" },
                ...props.others.map((p) => ({
                  value: String(p.code),
                  label: `${p.name} (${p.code})${p.status === "archived" ? ", archived" : ""}`,
                })),
              ]}
              hint="It is sold with the product's defaults until you configure it."
            />
            <Button>Add product</Button>
          </Form>
        ) : (
          <p class="muted">Every product is in this category.</p>
        )}
      </Card>
      <Card title="Rename" id="rename">
        <Form
          action={`/catalog/categories/${c.id}`}
          errors={rename.errors}
          values={rename.values}
          idPrefix="rename"
        >
          <Field name="name" label="Name" required maxlength={200} />
          <Button variant="secondary">Rename category</Button>
        </Form>
      </Card>
      <Card title="Delete" id="delete">
        {props.deleteError && (
          <div class="form-errors" role="alert">
            <p>{props.deleteError}</p>
          </div>
        )}
        <p class="muted">
          A category can be deleted while no license remembers it. The rights users hold on it are deleted
          with it.
        </p>
        <ActionForm action={`/catalog/categories/${c.id}/delete`} variant="danger">
          Delete category
        </ActionForm>
      </Card>
    </CatalogLayout>
  );
}

function orderParameters(p: Product): ParameterDefinition[] {
  return p.parameters.filter((d) => d.binding === "order");
}

function CategoryProductSummary(props: {
  category: Category;
  product: Product;
  config: Category["products"][number];
}) {
  const { product: p, config, category: c } = props;
  const defs = orderParameters(p);
  const driven = config.subscription
    ? config.subscription.type === "license"
      ? "expiresAt"
      : "maintenanceUntil"
    : null;
  const headingId = `product-${p.code}-title`;
  return (
    <section class="category-product" aria-labelledby={headingId}>
      <h3 id={headingId}>
        <a href={`/catalog/products/${p.code}`}>{p.name}</a> <span class="muted">({p.code})</span>
      </h3>
      {defs.length === 0 ? (
        <p class="muted">This product has no per-order parameters: every license gets its defaults.</p>
      ) : (
        <dl class="facts">
          {defs.map((d) => (
            <div>
              <dt>{d.label}</dt>
              <dd>
                {d.key === driven ? "Driven by the subscription" : describeRule(d, config.parameters[d.key])}
              </dd>
            </div>
          ))}
          {config.subscription && (
            <div>
              <dt>Subscription</dt>
              <dd>{describeSubscription(config.subscription)}</dd>
            </div>
          )}
        </dl>
      )}
      <div class="actions">
        <a
          class="button button-secondary"
          href={`/catalog/categories/${c.id}/products/${p.code}`}
          aria-label={`Configure ${p.name} in ${c.name}`}
        >
          Configure
        </a>
        <ActionForm
          action={`/catalog/categories/${c.id}/products/${p.code}/remove`}
          variant="link"
          label={`Remove ${p.name} from ${c.name}`}
        >
          Remove from category
        </ActionForm>
      </div>
    </section>
  );
}

export function CategoryProductPage(props: { category: Category; product: Product; form: FormAgain }) {
  const { category: c, product: p, form } = props;
  const defs = orderParameters(p);
  const drives = {
    license: defs.some((d) => d.key === "expiresAt"),
    maintenance: defs.some((d) => d.key === "maintenanceUntil"),
  };
  const title = `${p.name} in ${c.name}`;
  return (
    <CatalogLayout title={title}>
      <PageHeader
        title={title}
        lead={
          <>
            How licenses of {p.name} created through the category{" "}
            <a href={`/catalog/categories/${c.id}`}>{c.name}</a> get their per-order values. Users see fixed
            values read-only and choose flexible ones within the bounds; a parameter left to the product
            default cannot be set.
          </>
        }
      />
      <Form
        action={`/catalog/categories/${c.id}/products/${p.code}`}
        errors={form.errors}
        values={form.values}
        label={`Configuration of ${title}`}
      >
        {defs.length === 0 && <p class="muted">This product has no per-order parameters.</p>}
        {defs.map((d) => (
          <ParameterConfig definition={d} form={form} />
        ))}
        {(drives.license || drives.maintenance) && <SubscriptionConfigFields drives={drives} form={form} />}
        <div class="actions">
          <Button>Save configuration</Button>
          <a href={`/catalog/categories/${c.id}`}>Cancel</a>
        </div>
      </Form>
    </CatalogLayout>
  );
}

function ParameterConfig(props: { definition: ParameterDefinition; form: FormAgain }) {
  const d = props.definition;
  const { values, errors } = props.form;
  const name = (f: Parameters<typeof configName>[1]) => configName(d.key, f);
  const mode = values[name("mode")] || "default";
  const kinds = INPUT_KINDS[d.type];
  const dateHint =
    d.type === "date" ? "A date (2027-03-31) or a time after creation (30 days, 1 year, P30D). " : "";
  const shows = (kind: string) => kinds.includes(kind as "text");
  return (
    <fieldset class="parameter-config card">
      <legend>
        {d.label} <span class="code">({d.key})</span>
      </legend>
      <p class="muted">
        {TYPE_LABEL[d.type]}; product default: {describeValue(d, d.default)}.
      </p>
      <RadioGroup
        name={name("mode")}
        legend={`How ${d.label} is set`}
        idPrefix={`cfg-${d.key}-mode`}
        value={mode}
        error={errors.fields[name("mode")]}
        options={[
          { value: "default", label: "Product default" },
          { value: "fixed", label: "Fixed" },
          { value: "flexible", label: "Flexible: chosen with the order" },
        ]}
      />
      <div class="mode-block">
        <p class="mode-title">If fixed</p>
        <Field
          name={name("value")}
          label="Fixed value"
          hint={`${dateHint}${d.type === "features" ? "Feature names, separated by commas. " : ""}${d.type === "boolean" ? "yes or no. " : ""}Leave empty for no value (e.g. no expiry).`}
          maxlength={500}
        />
      </div>
      <div class="mode-block">
        <p class="mode-title">If flexible</p>
        <Select
          name={name("input")}
          label="Input"
          options={kinds.map((k) => ({ value: k, label: INPUT_LABEL[k]! }))}
        />
        <div class="row-grid">
          {shows("text") && (
            <>
              <Field
                name={name("maxLength")}
                label="Maximum length"
                hint="Text input"
                maxlength={12}
                inputmode="numeric"
              />
              <Field
                name={name("pattern")}
                label="Pattern"
                hint="Text input: a regular expression"
                maxlength={500}
                code
              />
            </>
          )}
          {shows("number") && (
            <>
              <Field
                name={name("min")}
                label="Minimum"
                hint="Number input"
                maxlength={40}
                inputmode="numeric"
              />
              <Field
                name={name("max")}
                label="Maximum"
                hint="Number input"
                maxlength={40}
                inputmode="numeric"
              />
            </>
          )}
          {shows("date") && (
            <>
              <Field
                name={name("minRelative")}
                label="Earliest"
                hint="Date input: time after creation, e.g. 1 day or P1D"
                maxlength={40}
              />
              <Field
                name={name("maxRelative")}
                label="Latest"
                hint="Date input: time after creation, e.g. 30 days or P30D"
                maxlength={40}
              />
            </>
          )}
        </div>
        <Field
          name={name("options")}
          label="Values offered"
          maxlength={5000}
          hint={
            d.type === "select" || d.type === "features" || d.type === "boolean"
              ? "Select input: the values offered, separated by commas; empty offers all of the product's values."
              : `Select input: the values offered, separated by commas${d.type === "date" ? ", e.g. 5 days, 30 days, 90 days" : ""}.`
          }
        />
      </div>
    </fieldset>
  );
}

function SubscriptionConfigFields(props: {
  drives: { license: boolean; maintenance: boolean };
  form: FormAgain;
}) {
  const { values, errors } = props.form;
  const type = values["subscription.type"] ?? "";
  return (
    <fieldset class="parameter-config card">
      <legend>Subscription</legend>
      <p class="muted">
        Sold as a subscription, the license's expiry (license subscription) or maintenance end (maintenance
        subscription) is extended term by term until the customer cancels.
      </p>
      <RadioGroup
        name="subscription.type"
        legend="Sold as"
        idPrefix="cfg-subscription-type"
        value={type}
        error={errors.fields["subscription.type"]}
        options={[
          { value: "", label: "Not a subscription" },
          ...(props.drives.license
            ? [{ value: "license", label: "License subscription (drives the expiry)" }]
            : []),
          ...(props.drives.maintenance
            ? [{ value: "maintenance", label: "Maintenance subscription (drives the maintenance end)" }]
            : []),
        ]}
      />
      <div class="row-grid">
        <Field
          name="subscription.cancellationPeriod"
          label="Cancellation period"
          hint="Before the end date, e.g. 3 months"
          maxlength={40}
        />
        <Field name="subscription.renewalTerm" label="Renewal term" hint="Default 1 year" maxlength={40} />
        <Select
          name="subscription.alignTo"
          label="End dates move to"
          options={[
            { value: "", label: "No alignment" },
            { value: "month", label: "The end of the month" },
            { value: "quarter", label: "The end of the quarter" },
            { value: "year", label: "The end of the year" },
          ]}
        />
      </div>
      <RadioGroup
        name="subscription.firstEnd.mode"
        legend="First end date"
        idPrefix="cfg-subscription-first"
        value={values["subscription.firstEnd.mode"] || "fixed"}
        error={errors.fields["subscription.firstEnd.mode"]}
        options={[
          { value: "fixed", label: "Fixed" },
          { value: "flexible", label: "Flexible: chosen with the order" },
        ]}
      />
      <div class="row-grid">
        <Field
          name="subscription.firstEnd.value"
          label="Fixed first end"
          hint="After creation, e.g. 1 year"
          maxlength={40}
        />
        <Field
          name="subscription.firstEnd.min"
          label="Earliest first end"
          hint="Flexible, e.g. 1 year"
          maxlength={40}
        />
        <Field
          name="subscription.firstEnd.max"
          label="Latest first end"
          hint="Flexible, e.g. 3 years"
          maxlength={40}
        />
        <Field
          name="subscription.firstEnd.default"
          label="Default first end"
          hint="Flexible; default the earliest"
          maxlength={40}
        />
      </div>
    </fieldset>
  );
}
