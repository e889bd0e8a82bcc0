/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child, PropsWithChildren } from "hono/jsx";
import { type CategoryRule, type FlexibleRule, inputOf } from "../../domain/category-rules.ts";
import type { ParameterDefinition } from "../../domain/parameters.ts";
import type { SubscriptionConfig } from "../../domain/subscriptions.ts";
import type { Product } from "../../services/product.service.ts";
import { describeDuration, isIsoDuration } from "./catalog.schema.ts";
import { Badge, Card, PageHeader } from "./components.tsx";
import { type FormErrors, type FormValues, NO_ERRORS } from "./forms.ts";
import { Layout } from "./layout.tsx";

/* The catalog's shared pieces (values and rules in words, its own building blocks, its layout)
 * and its overview. Products, categories and data fields have their own catalog-*.pages.tsx. */

/** A form shown again with what was entered and what was wrong with it. */
export interface FormAgain {
  errors: FormErrors;
  values: FormValues;
}

export const NO_FORM: FormAgain = { errors: NO_ERRORS, values: {} };

/* Readable values and rules. */

export const BINDING_LABEL: Record<ParameterDefinition["binding"], string> = {
  order: "Per order",
  activation: "Per activation",
  static: "Static (in the product)",
};

export const TYPE_LABEL: Record<string, string> = {
  text: "Text",
  number: "Number",
  boolean: "Yes/no",
  date: "Date",
  select: "Select",
  features: "Features",
};

export const INPUT_LABEL: Record<string, string> = {
  text: "Text",
  number: "Number",
  date: "Date",
  select: "Select from a list",
};

/** What a relative date counts from, for a parameter of this binding. */
function relativeTo(d: Pick<ParameterDefinition, "binding">): string {
  return d.binding === "activation" ? "activation" : "creation";
}

/** A parameter value for a person: `P30D` → "30 days after creation", lists joined, yes/no. */
export function describeValue(d: Pick<ParameterDefinition, "type" | "binding">, v: unknown): string {
  if (v === null || v === undefined) return "none";
  if (d.type === "date" && typeof v === "string" && isIsoDuration(v))
    return `${describeDuration(v)} after ${relativeTo(d)}`;
  if (Array.isArray(v)) return v.length ? v.join(", ") : "none";
  if (typeof v === "boolean") return v ? "yes" : "no";
  return String(v);
}

/** A list of date options: "5 days, 30 days or 90 days after creation". */
function describeOptions(d: ParameterDefinition, options: unknown[]): string {
  const durations = d.type === "date" && options.every((o) => typeof o === "string" && isIsoDuration(o));
  const items = options.map((o) => (durations ? describeDuration(o as string) : describeValue(d, o)));
  const joined = items.length > 1 ? `${items.slice(0, -1).join(", ")} or ${items.at(-1)}` : (items[0] ?? "");
  return durations ? `${joined} after ${relativeTo(d)}` : joined;
}

/** The bounds of a flexible rule in words. */
function describeFlexible(d: ParameterDefinition, r: FlexibleRule): string {
  const input = inputOf(d, r);
  if (input === "select") {
    const offered = r.options?.length ? r.options : d.type === "features" ? d.features : d.options;
    return `Flexible, one of: ${describeOptions(d, offered ?? [])}`;
  }
  const bounds: string[] = [];
  if (input === "number") {
    if (r.min !== undefined && r.max !== undefined) bounds.push(`from ${r.min} to ${r.max}`);
    else if (r.min !== undefined) bounds.push(`at least ${r.min}`);
    else if (r.max !== undefined) bounds.push(`at most ${r.max}`);
  }
  if (input === "text") {
    if (r.maxLength !== undefined) bounds.push(`at most ${r.maxLength} characters`);
    if (r.pattern !== undefined) bounds.push(`matching ${r.pattern}`);
  }
  if (input === "date") {
    const min = r.minRelative ? describeDuration(r.minRelative) : null;
    const max = r.maxRelative ? describeDuration(r.maxRelative) : null;
    if (min && max) bounds.push(`from ${min} to ${max} after creation`);
    else if (min) bounds.push(`at least ${min} after creation`);
    else if (max) bounds.push(`at most ${max} after creation`);
  }
  return `Flexible (${INPUT_LABEL[input]!.toLowerCase()})${bounds.length ? `, ${bounds.join(", ")}` : ""}`;
}

/** One parameter's configuration in a category, in words. */
export function describeRule(d: ParameterDefinition, rule: CategoryRule | undefined): string {
  if (!rule) return `Product default: ${describeValue(d, d.default)}`;
  if (rule.mode === "fixed") return `Fixed: ${describeValue(d, rule.value)}`;
  return describeFlexible(d, rule);
}

/** A subscription configuration in words. */
export function describeSubscription(s: SubscriptionConfig): string {
  const kind =
    s.type === "license"
      ? "License subscription (drives the expiry)"
      : "Maintenance subscription (drives the maintenance end)";
  const first =
    s.firstEnd.mode === "fixed"
      ? `first end ${describeDuration(s.firstEnd.value)} after creation`
      : `first end from ${describeDuration(s.firstEnd.min)} to ${describeDuration(s.firstEnd.max)} after creation${s.firstEnd.default ? ` (default ${describeDuration(s.firstEnd.default)})` : ""}`;
  const parts = [
    kind,
    first,
    ...(s.alignTo ? [`aligned to the end of the ${s.alignTo}`] : []),
    `cancellation period ${describeDuration(s.cancellationPeriod)}`,
    `renews by ${describeDuration(s.renewalTerm ?? "P1Y")}`,
  ];
  return parts.join("; ");
}

/* Own building blocks. */

/** A checkbox with its label after it; sends "yes" when ticked. */
export function Checkbox(props: {
  name: string;
  label: string;
  checked: boolean;
  id: string;
  hint?: string;
}) {
  return (
    <div class="field field-check">
      <input
        type="checkbox"
        id={props.id}
        name={props.name}
        value="yes"
        checked={props.checked}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
      />
      <label for={props.id}>{props.label}</label>
      {props.hint && (
        <div class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </div>
      )}
    </div>
  );
}

/** Radio buttons in a fieldset whose legend names the choice; the error sits under the legend. */
export function RadioGroup(props: {
  name: string;
  legend: string;
  idPrefix: string;
  value: string;
  options: { value: string; label: Child }[];
  error?: string;
}) {
  const errorId = `${props.idPrefix}-error`;
  return (
    <fieldset
      class={props.error ? "choice has-error" : "choice"}
      aria-describedby={props.error ? errorId : undefined}
    >
      <legend>{props.legend}</legend>
      {props.error && (
        <p class="field-error" id={errorId}>
          <span class="visually-hidden">Error: </span>
          {props.error}
        </p>
      )}
      {props.options.map((o) => {
        const id = `${props.idPrefix}-${o.value}`;
        return (
          <div class="choice-option">
            <input type="radio" id={id} name={props.name} value={o.value} checked={o.value === props.value} />
            <label for={id}>{o.label}</label>
          </div>
        );
      })}
    </fieldset>
  );
}

function CatalogNav() {
  return (
    <nav class="catalog-nav" aria-label="Catalog">
      <ul>
        <li>
          <a href="/catalog/products">Products</a>
        </li>
        <li>
          <a href="/catalog/categories">Categories</a>
        </li>
        <li>
          <a href="/catalog/data-fields">Data fields</a>
        </li>
      </ul>
    </nav>
  );
}

export function CatalogLayout(props: PropsWithChildren<{ title: string }>) {
  return (
    <Layout title={props.title} area="console">
      <CatalogNav />
      {props.children}
    </Layout>
  );
}

export const STATUS_BADGE = (status: Product["status"]) =>
  status === "active" ? <Badge tone="success">Active</Badge> : <Badge tone="neutral">Archived</Badge>;

/* Overview. */

export function CatalogPage(props: {
  products: number;
  archived: number;
  categories: number;
  dataFields: number;
}) {
  return (
    <Layout title="Catalog" area="console">
      <PageHeader
        title="Catalog"
        lead="What you sell and how partners may sell it: products and their parameters, the categories that sell them with fixed and flexible values, and the extra fields of orders."
      />
      <div class="catalog-cards">
        <Card title={<a href="/catalog/products">Products</a>}>
          <p>
            {props.products} {props.products === 1 ? "product" : "products"}
            {props.archived > 0 && <>, {props.archived} of them archived</>}.
          </p>
          <p class="muted">Codes, names and the parameters of their licenses.</p>
        </Card>
        <Card title={<a href="/catalog/categories">Categories</a>}>
          <p>
            {props.categories} {props.categories === 1 ? "category" : "categories"}.
          </p>
          <p class="muted">Sets of products that are also permissions, each with its own values.</p>
        </Card>
        <Card title={<a href="/catalog/data-fields">Data fields</a>}>
          <p>
            {props.dataFields} {props.dataFields === 1 ? "data field" : "data fields"}.
          </p>
          <p class="muted">Extra fields of orders, such as an external order number.</p>
        </Card>
      </div>
    </Layout>
  );
}
