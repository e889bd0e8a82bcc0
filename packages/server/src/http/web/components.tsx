/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child, PropsWithChildren } from "hono/jsx";
import { createContext, useContext } from "hono/jsx";
import type { LicenseState } from "../../domain/license-state.ts";
import { CSRF_FIELD } from "./csrf.ts";
import { type FormErrors, type FormValues, NO_ERRORS } from "./forms.ts";
import { usePage } from "./page.ts";

/* Building blocks of every page. Each renders accessible markup by default: a label on every
 * control, hints and errors tied to it with aria-describedby, errors announced. */

interface FormState {
  idPrefix: string;
  errors: FormErrors;
  values: FormValues;
  /** The field that gets `autofocus`: the first with an error. */
  firstError: string | undefined;
}

const FormContext = createContext<FormState>({
  idPrefix: "f",
  errors: NO_ERRORS,
  values: {},
  firstError: undefined,
});

export interface FormProps {
  action: string;
  method?: "get" | "post";
  /** Messages from `parseForm` or `formErrors`, shown next to their fields and at the top. */
  errors?: FormErrors;
  /** Values to fill the fields with when the form is shown again. */
  values?: FormValues;
  /** Makes field ids unique when a page has several forms with the same field names. */
  idPrefix?: string;
  /** For file uploads: `multipart/form-data`. */
  multipart?: boolean;
  /**
   * The answer is a file to save, not a page: the form is submitted by the browser itself
   * (htmx leaves it alone), so the download works with and without JavaScript.
   */
  download?: boolean;
  /** Names the form for assistive technology (`aria-label`). */
  label?: string;
  class?: string;
  id?: string;
}

/** A form that carries the page's CSRF token (POST forms) and shows its errors. */
export function Form(props: PropsWithChildren<FormProps>) {
  const page = usePage();
  const method = props.method ?? "post";
  const errors = props.errors ?? NO_ERRORS;
  const state: FormState = {
    idPrefix: props.idPrefix ?? "f",
    errors,
    values: props.values ?? {},
    firstError: Object.keys(errors.fields)[0],
  };
  return (
    <form
      action={props.action}
      method={method}
      enctype={props.multipart ? "multipart/form-data" : undefined}
      hx-boost={props.download ? "false" : undefined}
      aria-label={props.label}
      class={props.class}
      id={props.id}
    >
      {method === "post" && <input type="hidden" name={CSRF_FIELD} value={page.csrfToken} />}
      {errors.form.length > 0 && (
        <div class="form-errors" role="alert">
          {errors.form.length === 1 ? (
            <p>{errors.form[0]}</p>
          ) : (
            <ul>
              {errors.form.map((m) => (
                <li>{m}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <FormContext.Provider value={state}>{props.children}</FormContext.Provider>
    </form>
  );
}

interface FieldBase {
  name: string;
  label: string;
  /** A short help text under the label. */
  hint?: Child;
  required?: boolean;
  /** Overrides the value the form was given for this field. */
  value?: string;
}

/** The ids, description and error of a field inside a `<Form>`. */
function useField(props: FieldBase) {
  const form = useContext(FormContext);
  const id = `${form.idPrefix}-${props.name}`;
  const error = form.errors.fields[props.name];
  const describedBy = [props.hint ? `${id}-hint` : null, error ? `${id}-error` : null]
    .filter(Boolean)
    .join(" ");
  return {
    id,
    error,
    value: props.value ?? form.values[props.name],
    autofocus: error !== undefined && form.firstError === props.name,
    aria: {
      "aria-describedby": describedBy || undefined,
      "aria-invalid": error ? ("true" as const) : undefined,
    },
  };
}

/**
 * The frame of one control: its label (marked "(optional)" unless required or `markOptional`
 * is false), the hint and the error, tied to the control by `${id}-hint` and `${id}-error`.
 */
export function FieldFrame(
  props: PropsWithChildren<{
    id: string;
    label: string;
    hint?: Child;
    error?: string;
    required?: boolean;
    markOptional?: boolean;
  }>,
) {
  return (
    <div class={props.error ? "field has-error" : "field"}>
      <label for={props.id}>
        {props.label}
        {!props.required && props.markOptional !== false && <span class="optional"> (optional)</span>}
      </label>
      {props.hint && (
        <div class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </div>
      )}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`}>
          <span class="visually-hidden">Error: </span>
          {props.error}
        </p>
      )}
      {props.children}
    </div>
  );
}

export interface FieldProps extends FieldBase {
  type?: "text" | "email" | "password" | "number" | "date" | "search" | "url" | "tel";
  autocomplete?: string;
  placeholder?: string;
  minlength?: number;
  maxlength?: number;
  pattern?: string;
  inputmode?: "text" | "numeric" | "email" | "url";
  /** Codes, tickets, fingerprints: no autocorrection or capitalization by phones. */
  code?: boolean;
}

/** A labelled `<input>`; passwords are never filled in again. */
export function Field(props: FieldProps) {
  const f = useField(props);
  const type = props.type ?? "text";
  return (
    <FieldFrame {...props} id={f.id} error={f.error}>
      <input
        id={f.id}
        name={props.name}
        type={type}
        value={type === "password" ? undefined : f.value}
        required={props.required}
        autocomplete={props.autocomplete}
        placeholder={props.placeholder}
        minlength={props.minlength}
        maxlength={props.maxlength}
        pattern={props.pattern}
        inputmode={props.inputmode}
        autofocus={f.autofocus}
        spellcheck={props.code ? false : undefined}
        autocapitalize={props.code ? "off" : undefined}
        autocorrect={props.code ? "off" : undefined}
        class={props.code ? "code" : undefined}
        {...f.aria}
      />
    </FieldFrame>
  );
}

export interface TextAreaProps extends FieldBase {
  rows?: number;
  maxlength?: number;
  placeholder?: string;
  code?: boolean;
}

export function TextArea(props: TextAreaProps) {
  const f = useField(props);
  return (
    <FieldFrame {...props} id={f.id} error={f.error}>
      <textarea
        id={f.id}
        name={props.name}
        rows={props.rows ?? 4}
        required={props.required}
        maxlength={props.maxlength}
        placeholder={props.placeholder}
        autofocus={f.autofocus}
        spellcheck={props.code ? false : undefined}
        class={props.code ? "code" : undefined}
        {...f.aria}
      >
        {f.value ?? ""}
      </textarea>
    </FieldFrame>
  );
}

export interface SelectProps extends FieldBase {
  options: { value: string; label: string }[];
}

export function Select(props: SelectProps) {
  const f = useField(props);
  return (
    <FieldFrame {...props} id={f.id} error={f.error}>
      <select id={f.id} name={props.name} required={props.required} autofocus={f.autofocus} {...f.aria}>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === f.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export interface FileFieldProps extends FieldBase {
  accept?: string;
}

/** A file input; its form needs `multipart`. */
export function FileField(props: FileFieldProps) {
  const f = useField(props);
  return (
    <FieldFrame {...props} id={f.id} error={f.error}>
      <input
        id={f.id}
        name={props.name}
        type="file"
        accept={props.accept}
        required={props.required}
        autofocus={f.autofocus}
        {...f.aria}
      />
    </FieldFrame>
  );
}

export interface ButtonProps {
  variant?: "primary" | "secondary" | "danger" | "link";
  type?: "submit" | "button";
  name?: string;
  value?: string;
  /** A longer name for screen readers when the visible text is short ("Return" → "Return laptop-7"). */
  label?: string;
  class?: string;
}

export function Button(props: PropsWithChildren<ButtonProps>) {
  const variant = props.variant ?? "primary";
  return (
    <button
      type={props.type ?? "submit"}
      class={[`button button-${variant}`, props.class].filter(Boolean).join(" ")}
      name={props.name}
      value={props.value}
      aria-label={props.label}
    >
      {props.children}
    </button>
  );
}

/** A one-button form for an action on a thing (return, download, sign out). */
export function ActionForm(props: PropsWithChildren<ButtonProps & { action: string; download?: boolean }>) {
  const { action, download, children, ...button } = props;
  return (
    <Form action={action} download={download} class="inline-form">
      <Button {...button}>{children}</Button>
    </Form>
  );
}

export interface PageHeaderProps {
  title: string;
  /** One or two sentences under the title. */
  lead?: Child;
}

export function PageHeader(props: PropsWithChildren<PageHeaderProps>) {
  return (
    <div class="page-header">
      <h1>{props.title}</h1>
      {props.lead && <p class="lead">{props.lead}</p>}
      {props.children}
    </div>
  );
}

export interface CardProps {
  title?: Child;
  /** The heading level of `title`; 2 unless the card sits under another card's heading. */
  level?: 2 | 3;
  id?: string;
  class?: string;
}

/** A titled section: `<section aria-labelledby>` with a heading. */
export function Card(props: PropsWithChildren<CardProps>) {
  const headingId = props.id ? `${props.id}-title` : undefined;
  const Heading = props.level === 3 ? "h3" : "h2";
  return (
    <section
      class={["card", props.class].filter(Boolean).join(" ")}
      id={props.id}
      aria-labelledby={props.title ? headingId : undefined}
    >
      {props.title && <Heading id={headingId}>{props.title}</Heading>}
      {props.children}
    </section>
  );
}

export type Tone = "success" | "danger" | "warning" | "neutral" | "info";

/** A short status word; the text says it, the colour only repeats it. */
export function Badge(props: PropsWithChildren<{ tone: Tone }>) {
  return <span class={`badge badge-${props.tone}`}>{props.children}</span>;
}

const LICENSE_STATE: Record<LicenseState, { label: string; tone: Tone }> = {
  active: { label: "Active", tone: "success" },
  revoked: { label: "Revoked", tone: "danger" },
  expired: { label: "Expired", tone: "warning" },
};

/** A license's state (active, revoked, expired) as a badge: the same words on every page. */
export function StateBadge(props: { state: LicenseState }) {
  const s = LICENSE_STATE[props.state];
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

/** A message box: `error` is announced as an alert, the others politely. */
export function Notice(props: PropsWithChildren<{ kind: "success" | "error" | "info" | "warning" }>) {
  return (
    <div class={`notice notice-${props.kind}`} role={props.kind === "error" ? "alert" : "status"}>
      {props.children}
    </div>
  );
}

/** Term/description pairs, e.g. a license's properties. */
export function Facts(props: { items: [Child, Child][] }) {
  return (
    <dl class="facts">
      {props.items.map(([term, value]) => (
        <div>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
