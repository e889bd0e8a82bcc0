/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { PASSWORD_MIN_LENGTH } from "../../domain/login.ts";
import { Button, Card, Field, Form, Notice, PageHeader } from "./components.tsx";
import type { FormErrors, FormValues } from "./forms.ts";
import { Layout } from "./layout.tsx";

export interface LoginPageProps {
  errors?: FormErrors;
  values?: FormValues;
  /** The browser still held a session cookie that is no longer valid. */
  expired?: boolean;
  next: string;
}

export function LoginPage(props: LoginPageProps) {
  return (
    <Layout title="Sign in" area="public">
      <div class="narrow">
        <PageHeader
          title="Sign in"
          lead={
            <>
              For the vendor's staff and partners. Customers activating a license: go to the{" "}
              <a href="/depot">license depot</a>.
            </>
          }
        />
        {props.expired && (
          <Notice kind="info">Your session has expired. Sign in again to continue where you were.</Notice>
        )}
        <Card>
          <Form action="/login" errors={props.errors} values={props.values} label="Sign in">
            {props.next !== "/" && <input type="hidden" name="next" value={props.next} />}
            <Field name="email" label="Email" type="email" autocomplete="username" required maxlength={254} />
            <Field
              name="password"
              label="Password"
              type="password"
              autocomplete="current-password"
              required
            />
            <Button>Sign in</Button>
          </Form>
        </Card>
      </div>
    </Layout>
  );
}

export interface PasswordPageProps {
  errors?: FormErrors;
}

export function PasswordPage(props: PasswordPageProps) {
  return (
    <Layout title="Change password" area="console">
      <div class="narrow">
        <PageHeader
          title="Change password"
          lead="Your other sessions are signed out when the password changes; this one stays signed in."
        />
        <Card>
          <Form action="/account/password" errors={props.errors} label="Change password">
            <Field
              name="currentPassword"
              label="Current password"
              type="password"
              autocomplete="current-password"
              required
            />
            <Field
              name="newPassword"
              label="New password"
              type="password"
              autocomplete="new-password"
              required
              minlength={PASSWORD_MIN_LENGTH}
              hint={`At least ${PASSWORD_MIN_LENGTH} characters. A few unrelated words make a good one.`}
            />
            <Field
              name="confirmPassword"
              label="New password again"
              type="password"
              autocomplete="new-password"
              required
            />
            <Button>Change password</Button>{" "}
            <a class="button button-secondary" href="/account">
              Cancel
            </a>
          </Form>
        </Card>
      </div>
    </Layout>
  );
}
