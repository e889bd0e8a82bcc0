/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Category } from "../../services/category.service.ts";
import type { DataField } from "../../services/data-field.service.ts";
import { CatalogLayout, Checkbox, type FormAgain, TYPE_LABEL } from "./catalog.pages.tsx";
import { ActionForm, Button, Card, Facts, Field, Form, PageHeader, Select } from "./components.tsx";
import { Pager } from "./lists.tsx";

/* Catalog pages of data fields: the list and the form that creates, changes and deletes one. */

const FIELD_TYPES = [
  { value: "text", label: "Text" },
  { value: "number", label: "Number" },
  { value: "select", label: "Select" },
  { value: "date", label: "Date" },
];

function describeFieldRules(f: DataField): string {
  const parts: string[] = [];
  if (f.maxLength !== undefined) parts.push(`at most ${f.maxLength} characters`);
  if (f.pattern !== undefined) parts.push(`pattern ${f.pattern}`);
  if (f.min !== undefined) parts.push(`min ${f.min}`);
  if (f.max !== undefined) parts.push(`max ${f.max}`);
  if (f.options?.length) parts.push(`one of ${f.options.join(", ")}`);
  return parts.join("; ");
}

export function DataFieldListPage(props: { fields: DataField[]; categories: Category[] }) {
  const names = new Map(props.categories.map((c) => [c.id, c.name]));
  return (
    <CatalogLayout title="Data fields">
      <PageHeader
        title="Data fields"
        lead="Extra fields of orders, checked on every channel, stored with the order, searchable and exported."
      >
        <p>
          <a class="button button-primary" href="/catalog/data-fields/new">
            New data field
          </a>
        </p>
      </PageHeader>
      {props.fields.length === 0 ? (
        <p class="muted">No data field yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Label</th>
                <th scope="col">Key</th>
                <th scope="col">Type</th>
                <th scope="col">Required</th>
                <th scope="col">Unique</th>
                <th scope="col">Rules</th>
                <th scope="col">Categories</th>
              </tr>
            </thead>
            <tbody>
              {props.fields.map((f) => (
                <tr>
                  <td>
                    <a href={`/catalog/data-fields/${encodeURIComponent(f.key)}`}>{f.label}</a>
                  </td>
                  <td class="code">{f.key}</td>
                  <td>{TYPE_LABEL[f.type]}</td>
                  <td>{f.required ? "Yes" : "No"}</td>
                  <td>{f.unique ? "Yes" : "No"}</td>
                  <td>{describeFieldRules(f) || <span class="muted">none</span>}</td>
                  <td>
                    {f.categories.length
                      ? f.categories.map((id) => names.get(id) ?? id).join(", ")
                      : "All orders"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        path="/catalog/data-fields"
        query={{}}
        nextCursor={null}
        shown={props.fields.length}
        noun="data fields"
      />
    </CatalogLayout>
  );
}

export interface DataFieldFormPageProps {
  /** Absent when creating. */
  field?: DataField;
  categories: Category[];
  form: FormAgain;
  /** The ticked categories. */
  selected: string[];
  deleteError?: string;
}

export function DataFieldFormPage(props: DataFieldFormPageProps) {
  const f = props.field;
  const title = f ? f.label : "New data field";
  const action = f ? `/catalog/data-fields/${encodeURIComponent(f.key)}` : "/catalog/data-fields/new";
  const { values, errors } = props.form;
  return (
    <CatalogLayout title={title}>
      <PageHeader
        title={title}
        lead={f ? "Key, type and uniqueness stay as created: stored values depend on them." : undefined}
      />
      <Card>
        <Form
          action={action}
          errors={errors}
          values={values}
          label={f ? `Change ${f.label}` : "New data field"}
        >
          {f ? (
            <Facts
              items={[
                ["Key", <span class="code">{f.key}</span>],
                ["Type", TYPE_LABEL[f.type]],
                ["Unique", f.unique ? "Yes: no two orders share a value" : "No"],
              ]}
            />
          ) : (
            <>
              <Field
                name="key"
                label="Key"
                required
                maxlength={64}
                code
                hint="Its name in the API and exports: starts with a letter; letters, digits and _."
              />
              <Select name="type" label="Type" required options={FIELD_TYPES} />
            </>
          )}
          <Field
            name="label"
            label="Label"
            required
            maxlength={200}
            hint="What people see on the order form."
          />
          <Checkbox
            id="f-required"
            name="required"
            label="Required: every order it applies to must give a value"
            checked={values.required === "yes"}
          />
          {!f && (
            <Checkbox
              id="f-unique"
              name="unique"
              label="Unique: no two orders may share a value"
              checked={values.unique === "yes"}
              hint="For example an external order number: repeating it with the same order replays that order."
            />
          )}
          <div class="row-grid">
            <Field name="maxLength" label="Maximum length" hint="Text" maxlength={12} inputmode="numeric" />
            <Field name="pattern" label="Pattern" hint="Text: a regular expression" maxlength={500} code />
            <Field name="min" label="Minimum" hint="Number" maxlength={40} inputmode="numeric" />
            <Field name="max" label="Maximum" hint="Number" maxlength={40} inputmode="numeric" />
          </div>
          <Field
            name="options"
            label="Values"
            hint="Select: the allowed values, separated by commas."
            maxlength={5000}
          />
          <Field
            name="position"
            label="Position"
            hint="Fields are shown in ascending position."
            maxlength={12}
            inputmode="numeric"
          />
          <fieldset
            class="choice"
            aria-describedby={errors.fields.categories ? "f-categories-error" : undefined}
          >
            <legend>Categories</legend>
            {errors.fields.categories && (
              <p class="field-error" id="f-categories-error">
                {errors.fields.categories}
              </p>
            )}
            <p class="hint">
              Orders of the ticked categories show the field; with none ticked, every order does.
            </p>
            {props.categories.length === 0 && <p class="muted">There are no categories yet.</p>}
            {props.categories.map((c) => (
              <div class="choice-option">
                <input
                  type="checkbox"
                  id={`f-category-${c.id}`}
                  name="categories"
                  value={c.id}
                  checked={props.selected.includes(c.id)}
                />
                <label for={`f-category-${c.id}`}>{c.name}</label>
              </div>
            ))}
          </fieldset>
          <div class="actions">
            <Button>{f ? "Save changes" : "Create data field"}</Button>
            <a href="/catalog/data-fields">Cancel</a>
          </div>
        </Form>
      </Card>
      {f && (
        <Card title="Delete" id="delete">
          {props.deleteError && (
            <div class="form-errors" role="alert">
              <p>{props.deleteError}</p>
            </div>
          )}
          <p class="muted">A data field can be deleted while no order has a value for it.</p>
          <ActionForm action={`/catalog/data-fields/${encodeURIComponent(f.key)}/delete`} variant="danger">
            Delete data field
          </ActionForm>
        </Card>
      )}
    </CatalogLayout>
  );
}
