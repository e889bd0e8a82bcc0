/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { ParameterDefinition } from "../../domain/parameters.ts";
import type { Category } from "../../services/category.service.ts";
import type { Product } from "../../services/product.service.ts";
import {
  BINDING_LABEL,
  CatalogLayout,
  Checkbox,
  describeValue,
  type FormAgain,
  STATUS_BADGE,
  TYPE_LABEL,
} from "./catalog.pages.tsx";
import { describeDuration, PARAMETER_TYPES, rowName } from "./catalog.schema.ts";
import { ActionForm, Button, Card, Facts, Field, Form, PageHeader, Select, TextArea } from "./components.tsx";
import type { FormErrors, FormValues } from "./forms.ts";
import { Filters, type ListQuery, Pager, when } from "./lists.tsx";

/* Catalog pages of products: the list, one product, and the product form with its parameter rows. */

export function ProductListPage(props: { products: Product[]; nextCursor: string | null; query: ListQuery }) {
  const { query } = props;
  return (
    <CatalogLayout title="Products">
      <PageHeader title="Products" lead="Everything you sell, with the parameters of its licenses.">
        <p>
          <a class="button button-primary" href="/catalog/products/new">
            New product
          </a>
        </p>
      </PageHeader>
      <Filters action="/catalog/products" label="Filter products">
        <Field name="search" label="Name contains" type="search" value={query.search} />
        <Select
          name="status"
          label="Status"
          value={query.status ?? ""}
          options={[
            { value: "", label: "Active and archived" },
            { value: "active", label: "Active" },
            { value: "archived", label: "Archived" },
          ]}
        />
      </Filters>
      {props.products.length === 0 ? (
        <p class="muted">No product matches.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Parameters</th>
                <th scope="col">Revision</th>
                <th scope="col">Changed</th>
              </tr>
            </thead>
            <tbody>
              {props.products.map((p) => (
                <tr>
                  <td>{p.code}</td>
                  <td>
                    <a href={`/catalog/products/${p.code}`}>{p.name}</a>
                  </td>
                  <td>{STATUS_BADGE(p.status)}</td>
                  <td>{p.parameters.map((d) => d.key).join(", ") || "none"}</td>
                  <td>{p.revision}</td>
                  <td>{when(p.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        path="/catalog/products"
        query={query}
        nextCursor={props.nextCursor}
        shown={props.products.length}
        noun="products"
      />
    </CatalogLayout>
  );
}

export function ProductPage(props: { product: Product; categories: Category[] }) {
  const p = props.product;
  return (
    <CatalogLayout title={p.name}>
      <PageHeader title={p.name} lead={p.description || undefined}>
        <div class="actions">
          <a class="button button-primary" href={`/catalog/products/${p.code}/edit`}>
            Edit product
          </a>
          {p.status === "active" ? (
            <ActionForm action={`/catalog/products/${p.code}/archive`} variant="secondary">
              Archive
            </ActionForm>
          ) : (
            <ActionForm action={`/catalog/products/${p.code}/restore`} variant="secondary">
              Restore
            </ActionForm>
          )}
        </div>
      </PageHeader>
      <Card title="Product" id="product">
        <Facts
          items={[
            ["Code", String(p.code)],
            ["Status", STATUS_BADGE(p.status)],
            ["Revision", String(p.revision)],
            [
              "License file validity",
              p.fileValidity ? describeDuration(p.fileValidity) : "License files never expire",
            ],
            ["Changed", when(p.updatedAt)],
          ]}
        />
        {p.status === "archived" && (
          <p class="muted">Archived: no new orders may use this product; its licenses keep working.</p>
        )}
      </Card>
      <Card title="Parameters" id="parameters">
        {p.parameters.length === 0 ? (
          <p class="muted">No parameters: licenses get one seat, no expiry and no features.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Parameter</th>
                  <th scope="col">Type</th>
                  <th scope="col">Set</th>
                  <th scope="col">Default</th>
                  <th scope="col">Rules</th>
                </tr>
              </thead>
              <tbody>
                {p.parameters.map((d) => (
                  <tr>
                    <td>
                      {d.label} <span class="muted code">{d.key}</span>
                    </td>
                    <td>{TYPE_LABEL[d.type]}</td>
                    <td>{BINDING_LABEL[d.binding]}</td>
                    <td>{describeValue(d, d.default)}</td>
                    <td>{describeDefinitionRules(d) || <span class="muted">none</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card title="Categories" id="categories">
        {props.categories.length === 0 ? (
          <p class="muted">
            No category sells this product yet. <a href="/catalog/categories">Add it to a category</a>.
          </p>
        ) : (
          <ul>
            {props.categories.map((c) => (
              <li>
                <a href={`/catalog/categories/${c.id}`}>{c.name}</a>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </CatalogLayout>
  );
}

/** A definition's own rules: bounds, pattern, options, features. */
function describeDefinitionRules(d: ParameterDefinition): string {
  const parts: string[] = [];
  if (d.min !== undefined) parts.push(`min ${d.min}`);
  if (d.max !== undefined) parts.push(`max ${d.max}`);
  if (d.integer) parts.push("whole numbers");
  if (d.maxLength !== undefined) parts.push(`at most ${d.maxLength} characters`);
  if (d.pattern !== undefined) parts.push(`pattern ${d.pattern}`);
  if (d.options?.length) parts.push(`one of ${d.options.join(", ")}`);
  if (d.features)
    parts.push(d.features.length ? `features ${d.features.join(", ")}` : "no features declared");
  return parts.join("; ");
}

export interface ProductFormPageProps {
  /** Absent when creating. */
  product?: Product;
  form: FormAgain;
  rows: number;
}

export function ProductFormPage(props: ProductFormPageProps) {
  const p = props.product;
  const title = p ? `Edit ${p.name}` : "New product";
  const action = p ? `/catalog/products/${p.code}/edit` : "/catalog/products/new";
  const rows = Array.from({ length: props.rows }, (_, i) => i);
  return (
    <CatalogLayout title={title}>
      <PageHeader
        title={title}
        lead={
          p
            ? "Changes apply to licenses created from now on; existing licenses keep the revision they were created with."
            : undefined
        }
      />
      <Form action={action} errors={props.form.errors} values={props.form.values} label={title}>
        <Card title="Product" id="product">
          {!p && (
            <Field
              name="code"
              label="Product code"
              required
              inputmode="numeric"
              pattern="[0-9]*"
              maxlength={10}
              hint="A unique whole number; your software checks it in license files. It cannot change later."
            />
          )}
          <Field name="name" label="Name" required maxlength={200} />
          <TextArea name="description" label="Description" rows={3} maxlength={5000} />
          <Field
            name="fileValidity"
            label="License file validity"
            maxlength={40}
            hint="How long a license file works offline before the device must fetch a fresh one: a duration such as 30 days, 1 year or P30D. Leave it empty for files that never expire."
          />
        </Card>
        <Card title="Parameters" id="parameters">
          <div class="hint">
            <p>
              Each parameter is a value of the licenses. The keys <code>expiresAt</code> (date),{" "}
              <code>maintenanceUntil</code> (date), <code>seats</code> (number) and <code>features</code>{" "}
              (features) are well-known: they appear at the top level of license files and must have those
              types. Other keys start with a letter and use letters, digits and _.
            </p>
            <p>
              Dates are absolute (2027-03-31) or relative (30 days, 1 year, P30D): relative to the order's
              creation for per-order parameters, to the activation for per-activation ones. Features and
              select values are separated by commas; yes/no parameters take yes or no. Leave a row empty to
              remove a parameter.
            </p>
          </div>
          <input type="hidden" name="rows" value={String(props.rows)} />
          {rows.map((i) => (
            <ParameterRow row={i} values={props.form.values} errors={props.form.errors} />
          ))}
          {/* Shows the form again with one more row; the other fields need not be complete yet. */}
          <button type="submit" class="button button-secondary" name="add" value="1" formnovalidate>
            Add another parameter
          </button>
        </Card>
        <div class="actions">
          <Button>{p ? "Save changes" : "Create product"}</Button>
          <a href={p ? `/catalog/products/${p.code}` : "/catalog/products"}>Cancel</a>
        </div>
      </Form>
    </CatalogLayout>
  );
}

function ParameterRow(props: { row: number; values: FormValues; errors: FormErrors }) {
  const i = props.row;
  const name = (f: Parameters<typeof rowName>[1]) => rowName(i, f);
  const rulesOpen = ["values", "min", "max", "maxLength", "pattern", "integer"].some(
    (f) => props.values[name(f as "values")] || props.errors.fields[name(f as "values")],
  );
  return (
    <fieldset class="parameter-row">
      <legend>Parameter {i + 1}</legend>
      <div class="row-grid">
        <Field name={name("key")} label="Key" maxlength={64} code />
        <Field name={name("label")} label="Label" maxlength={200} />
        <Select
          name={name("type")}
          label="Type"
          options={PARAMETER_TYPES.map((t) => ({ value: t, label: TYPE_LABEL[t]! }))}
        />
        <Select
          name={name("binding")}
          label="Set"
          hint="When the value is decided"
          options={(["order", "activation", "static"] as const).map((b) => ({
            value: b,
            label: BINDING_LABEL[b],
          }))}
        />
        <Field name={name("default")} label="Default" maxlength={500} />
      </div>
      <details class="row-rules" open={rulesOpen}>
        <summary>Rules of this parameter</summary>
        <div class="row-grid">
          <Field
            name={name("values")}
            label="Values"
            maxlength={5000}
            hint="Select: the allowed values. Features: the feature names. Separated by commas."
          />
          <Field name={name("min")} label="Minimum" hint="Numbers" maxlength={40} inputmode="numeric" />
          <Field name={name("max")} label="Maximum" hint="Numbers" maxlength={40} inputmode="numeric" />
          <Field
            name={name("maxLength")}
            label="Maximum length"
            hint="Text"
            maxlength={12}
            inputmode="numeric"
          />
          <Field
            name={name("pattern")}
            label="Pattern"
            hint="Text: a regular expression"
            maxlength={500}
            code
          />
        </div>
        <Checkbox
          id={`f-${name("integer")}`}
          name={name("integer")}
          label="Whole numbers only"
          checked={props.values[name("integer")] === "yes"}
        />
      </details>
    </fieldset>
  );
}
