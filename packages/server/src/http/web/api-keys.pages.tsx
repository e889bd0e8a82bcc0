/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { ApiKey } from "../../services/api-key.service.ts";
import { ActionForm, Badge, Button, Card, Facts, Field, Form, Notice, PageHeader } from "./components.tsx";
import type { FormErrors, FormValues } from "./forms.ts";
import { Layout } from "./layout.tsx";
import { when } from "./lists.tsx";

export interface ApiKeysPageProps {
  keys: ApiKey[];
  /** The key just created and its secret: shown in this answer only. */
  created?: { apiKey: ApiKey; secret: string };
  form?: { errors: FormErrors; values: FormValues };
}

function KeyState(props: { apiKey: ApiKey }) {
  return props.apiKey.revokedAt ? (
    <Badge tone="neutral">Revoked</Badge>
  ) : (
    <Badge tone="success">Active</Badge>
  );
}

/** The secret of a new key, once, in a block that is easy to select and copy. */
function NewSecret(props: { created: { apiKey: ApiKey; secret: string } }) {
  return (
    <section class="card new-secret" aria-labelledby="new-key-title">
      <h2 id="new-key-title">Your new API key “{props.created.apiKey.name}”</h2>
      <Notice kind="warning">
        Copy the key now and keep it somewhere safe: it is shown only this once. Licentra stores only its
        fingerprint, so nobody can show it to you again.
      </Notice>
      <p id="new-key-label">
        <strong>The key</strong> (send it as <code>Authorization: Bearer …</code>):
      </p>
      <pre class="secret">
        <code id="new-key">{props.created.secret}</code>
      </pre>
      <p class="muted">
        It acts with your rights. Lost it, or no longer needed? Revoke it below and create another.
      </p>
    </section>
  );
}

function KeysTable(props: { keys: ApiKey[] }) {
  if (props.keys.length === 0) return <p class="muted">You have no API keys yet.</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">Your API keys</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Starts with</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">State</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.keys.map((k) => (
            <tr>
              <th scope="row">{k.name}</th>
              <td>
                <code>{k.prefix}…</code>
              </td>
              <td>{when(k.createdAt)}</td>
              <td>{k.lastUsedAt ? when(k.lastUsedAt) : <span class="muted">Never</span>}</td>
              <td>
                <KeyState apiKey={k} />
                {k.revokedAt && <span class="muted"> {when(k.revokedAt)}</span>}
              </td>
              <td>
                {!k.revokedAt && (
                  <a
                    class="button button-secondary"
                    href={`/api-keys/${k.id}/revoke`}
                    aria-label={`Revoke ${k.name}`}
                  >
                    Revoke
                  </a>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The signed-in user's API keys: the list, a new key (its secret once), revocation. */
export function ApiKeysPage(props: ApiKeysPageProps) {
  return (
    <Layout title="API keys" area="console">
      <PageHeader
        title="API keys"
        lead={
          <>
            Keys let your programs (an ERP, a web shop, scripts) use the{" "}
            <a href="/docs" hx-boost="false">
              REST API
            </a>{" "}
            with your rights. Each key is shown once, when it is created.
          </>
        }
      />
      {props.created && <NewSecret created={props.created} />}
      <Card title="Your keys" id="keys">
        <KeysTable keys={props.keys} />
        {props.keys.length > 0 && (
          <p>
            <a href="/api-keys.csv" hx-boost="false" download>
              Export as CSV
            </a>
          </p>
        )}
      </Card>
      <Card title="Create a key" id="new-key-form">
        <Form
          action="/api-keys"
          errors={props.form?.errors}
          values={props.created ? {} : props.form?.values}
          label="Create an API key"
        >
          <Field
            name="name"
            label="Name"
            required
            maxlength={100}
            hint="What the key is for, e.g. “ERP integration”, so you can tell your keys apart."
          />
          <Button>Create key</Button>
        </Form>
      </Card>
    </Layout>
  );
}

/** Asks before revoking: programs using the key are refused from then on. */
export function RevokeApiKeyPage(props: { apiKey: ApiKey }) {
  const k = props.apiKey;
  return (
    <Layout title={`Revoke ${k.name}`} area="console">
      <PageHeader
        title={`Revoke the key “${k.name}”?`}
        lead="Programs that use it are refused at once. This cannot be undone."
      />
      <Card>
        <Facts
          items={[
            ["Name", k.name],
            ["Starts with", <code>{k.prefix}…</code>],
            ["Created", when(k.createdAt)],
            ["Last used", k.lastUsedAt ? when(k.lastUsedAt) : "Never"],
          ]}
        />
        <div class="confirm-actions">
          <ActionForm action={`/api-keys/${k.id}/revoke`} variant="danger">
            Revoke the key
          </ActionForm>
          <a class="button button-secondary" href="/api-keys">
            Keep it
          </a>
        </div>
      </Card>
    </Layout>
  );
}
