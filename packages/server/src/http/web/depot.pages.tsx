/** @jsxRuntime automatic @jsxImportSource hono/jsx */

import type { Activation } from "../../services/license.view.ts";
import type { TicketView } from "../../services/ticket.service.ts";
import {
  ActionForm,
  Button,
  Card,
  Facts,
  Field,
  FileField,
  Form,
  Notice,
  PageHeader,
  StateBadge,
  TextArea,
} from "./components.tsx";
import { type FormErrors, type FormValues, NO_ERRORS } from "./forms.ts";
import { Layout } from "./layout.tsx";

type DepotLicense = TicketView["licenses"][number];

/** A form shown again with what was entered and what was wrong with it. */
export interface FormAgain {
  errors: FormErrors;
  values: FormValues;
}

export interface DepotPageProps {
  /** The order of the entered ticket; null until a ticket is entered. */
  view: TicketView | null;
  ticketForm?: FormAgain;
  /** The activation form of one license, shown again. */
  activation?: FormAgain & { licenseId: string };
  offline?: FormAgain;
}

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : null);

/** The customer's entry to its licenses: the ticket, or a request file from an offline machine. */
export function DepotPage(props: DepotPageProps) {
  return (
    <Layout title={props.view ? "Your licenses" : "License depot"} area="depot">
      {props.view ? (
        <TicketOverview view={props.view} activation={props.activation} />
      ) : (
        <>
          <PageHeader
            title="License depot"
            lead="Activate the licenses you bought on your computers, download their license files, and return activations to move a license to another computer."
          />
          <TicketEntry form={props.ticketForm} />
        </>
      )}
      <OfflineActivation form={props.offline} />
    </Layout>
  );
}

function TicketEntry(props: { form: FormAgain | undefined }) {
  return (
    <Card title="Enter your ticket" id="ticket">
      <Form action="/depot" errors={props.form?.errors} values={props.form?.values} idPrefix="ticket">
        <Field
          name="ticket"
          label="Ticket"
          required
          code
          autocomplete="off"
          maxlength={60}
          placeholder="XXXXX-XXXXX-XXXXX-XXXXX-XXXXX"
          hint="You received it with your order: 25 letters and digits. Upper or lower case, with or without dashes."
        />
        <Button>Show my licenses</Button>
      </Form>
    </Card>
  );
}

function TicketOverview(props: { view: TicketView; activation: DepotPageProps["activation"] }) {
  const { view } = props;
  const customer = view.order.customer;
  const who = customer?.company ?? customer?.name;
  return (
    <>
      <PageHeader
        title="Your licenses"
        lead={
          <>
            Order of {day(view.order.createdAt)}
            {who && <> for {who}</>}, ticket ending in <span class="code">{view.ticket.slice(-5)}</span>.
          </>
        }
      >
        <ActionForm action="/depot/leave" variant="secondary">
          Use another ticket
        </ActionForm>
      </PageHeader>
      {view.licenses.map((license) => (
        <LicenseCard
          license={license}
          form={props.activation?.licenseId === license.id ? props.activation : undefined}
        />
      ))}
    </>
  );
}

function LicenseCard(props: { license: DepotLicense; form: FormAgain | undefined }) {
  const l = props.license;
  const active = l.activations.filter((a) => a.status === "active");
  const free = l.seats - l.activeSeats;
  return (
    <Card
      id={`license-${l.id}`}
      class="license"
      title={
        <>
          {l.product.name} <StateBadge state={l.state} />
        </>
      }
    >
      <Facts
        items={[
          ["Seats", `${l.activeSeats} of ${l.seats} used`],
          ["Expires", day(l.expiresAt) ?? "Never"],
          ["Maintenance until", day(l.maintenanceUntil) ?? "No end"],
          ...(l.features.length ? [["Features", l.features.join(", ")] as [string, string]] : []),
          ["Product code", String(l.product.code)],
          ["Version", String(l.version)],
        ]}
      />
      {l.state === "revoked" && (
        <Notice kind="error">
          The vendor revoked this license. It can no longer be activated, and its license files are no longer
          renewed.
        </Notice>
      )}
      {l.state === "expired" && (
        <Notice kind="warning">
          This license expired on {day(l.expiresAt)}. It can no longer be activated on another device.
        </Notice>
      )}
      <h3>Activated devices</h3>
      {active.length ? (
        <ul class="device-list">
          {active.map((a) => (
            <DeviceItem activation={a} actions={l.state !== "revoked"} />
          ))}
        </ul>
      ) : (
        <p class="muted">No device is activated yet.</p>
      )}
      {l.state === "active" && free <= 0 && (
        <Notice kind="info">
          All {l.seats} {l.seats === 1 ? "seat is" : "seats are"} in use. Return an activation to activate
          another device.
        </Notice>
      )}
      {/* A form shown again keeps its errors in view, even when they are why it no longer applies. */}
      {((l.state === "active" && free > 0) || props.form) && <ActivateForm license={l} form={props.form} />}
    </Card>
  );
}

function DeviceItem(props: { activation: Activation; actions: boolean }) {
  const a = props.activation;
  return (
    <li class="device" id={`activation-${a.id}`}>
      <div class="device-info">
        <strong>{a.deviceName}</strong>
        <span class="muted">
          Fingerprint{" "}
          <code class="fingerprint" title={a.fingerprint}>
            {a.fingerprint.length > 16 ? `${a.fingerprint.slice(0, 16)}…` : a.fingerprint}
          </code>{" "}
          · activated {day(a.createdAt)} · license file version {a.fileVersion}
        </span>
      </div>
      {props.actions && (
        <div class="device-actions">
          <ActionForm
            action={`/depot/activations/${a.id}/license-file`}
            download
            variant="primary"
            label={`Download the license file for ${a.deviceName}`}
          >
            Download license file
          </ActionForm>
          <ActionForm
            action={`/depot/activations/${a.id}/return`}
            variant="secondary"
            label={`Return the activation of ${a.deviceName}`}
          >
            Return
          </ActionForm>
        </div>
      )}
    </li>
  );
}

function ActivateForm(props: { license: DepotLicense; form: FormAgain | undefined }) {
  const l = props.license;
  return (
    <div class="subsection">
      <h3 id={`activate-${l.id}-title`}>Activate a device</h3>
      <Form
        action="/depot/activate"
        idPrefix={`activate-${l.id}`}
        errors={props.form?.errors ?? NO_ERRORS}
        values={props.form?.values}
        label={`Activate ${l.product.name} on a device`}
      >
        <input type="hidden" name="license" value={l.id} />
        <Field
          name="deviceName"
          label="Device name"
          required
          maxlength={200}
          autocomplete="off"
          hint="A name you will recognize it by, such as “Design laptop”."
        />
        <Field
          name="fingerprint"
          label="Device fingerprint"
          required
          code
          autocomplete="off"
          minlength={8}
          maxlength={200}
          hint={<FingerprintHelp productCode={l.product.code} />}
        />
        <Button>Activate</Button>
      </Form>
    </div>
  );
}

function FingerprintHelp(props: { productCode: number }) {
  return (
    <>
      <p>
        The software shows the fingerprint of the computer it runs on, usually in its license or “About”
        window. Copy it and paste it here.
      </p>
      <details>
        <summary>How is the fingerprint computed?</summary>
        <p>
          Software built with the Licentra SDK computes it with{" "}
          <code>deviceFingerprint({`{ salt: ${props.productCode} }`})</code>: a SHA-256 of the product code
          and the computer's id (<code>/etc/machine-id</code> on Linux, <code>IOPlatformUUID</code> on macOS,{" "}
          <code>MachineGuid</code> on Windows). On a computer with Node.js you can print it with:
        </p>
        <pre>
          <code>{`node --input-type=module -e "import { deviceFingerprint } from '@licentra/client'; console.log(deviceFingerprint({ salt: ${props.productCode} }))"`}</code>
        </pre>
      </details>
    </>
  );
}

function OfflineActivation(props: { form: FormAgain | undefined }) {
  return (
    <Card title="Activate a computer without internet access" id="offline">
      <p>
        On that computer, let the software write an activation request file. Bring the file to a computer with
        internet access, upload it here, and copy the license file you get back to the offline computer. The
        request file carries your ticket, so you do not need to enter it.
      </p>
      <Form
        action="/depot/offline"
        multipart
        download
        idPrefix="offline"
        errors={props.form?.errors}
        values={props.form?.values}
        label="Activate from a request file"
      >
        <FileField
          name="requestFile"
          label="Activation request file"
          accept=".json,.req,application/json,text/plain"
          hint={
            <>
              A small JSON file that starts with <code>{'{"type": "licentra-activation-request"'}</code>.
            </>
          }
        />
        <TextArea
          name="requestText"
          label="Or paste the content of the request file"
          rows={4}
          maxlength={20_000}
          code
        />
        <Button>Get the license file</Button>
      </Form>
    </Card>
  );
}
