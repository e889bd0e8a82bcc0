import type { ParameterValue } from "../domain/parameters.ts";
import { licenseTerms } from "../domain/parameters.ts";
import { formatTicket } from "../domain/ticket.ts";
import type { ActivationRow } from "../store/activation.store.ts";
import type { LicenseRow } from "../store/license.store.ts";
import type { OrderRow } from "../store/order.store.ts";

/** A license as the API presents it. */
export interface License {
  id: string;
  orderId: string;
  categoryId: string | null;
  product: { code: number; name: string };
  status: "active" | "revoked";
  version: number;
  seats: number;
  activeSeats: number;
  expiresAt: string | null;
  maintenanceUntil: string | null;
  features: string[];
  parameters: Record<string, ParameterValue | null>;
  /** Order-specific values as requested, before relative dates were resolved. */
  rules: Record<string, ParameterValue | null>;
  activated: boolean;
  createdAt: string;
  updatedAt: string;
}

export function presentLicense(r: LicenseRow): License {
  const terms = licenseTerms(JSON.parse(r.values));
  return {
    id: r.id,
    orderId: r.order_id,
    categoryId: r.category_id,
    product: { code: Number(r.product_code), name: r.product_name },
    status: r.status as License["status"],
    version: r.version,
    seats: r.seats,
    activeSeats: r.active_seats,
    expiresAt: r.expires_at,
    maintenanceUntil: r.maintenance_until,
    features: terms.features,
    parameters: terms.parameters,
    rules: JSON.parse(r.rules),
    activated: r.first_activated_at !== null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface Customer {
  name: string | null;
  email: string | null;
  company: string | null;
}

/** An order as the API presents it. */
export interface Order {
  id: string;
  ticket: string;
  externalOrderNumber: string | null;
  categoryId: string | null;
  customer: Customer | null;
  /** Values of the vendor's data fields, by key. */
  dataFields: Record<string, string | number>;
  status: "active" | "closed";
  createdAt: string;
  licenses: License[];
}

export function presentOrder(
  o: OrderRow,
  licenses: LicenseRow[],
  dataFields: Record<string, string | number> = {},
): Order {
  const hasCustomer = o.customer_name !== null || o.customer_email !== null || o.customer_company !== null;
  return {
    id: o.id,
    ticket: formatTicket(o.ticket),
    externalOrderNumber: o.external_order_number,
    categoryId: o.category_id,
    customer: hasCustomer
      ? { name: o.customer_name, email: o.customer_email, company: o.customer_company }
      : null,
    dataFields,
    status: o.status as Order["status"],
    createdAt: o.created_at,
    licenses: licenses.map(presentLicense),
  };
}

/** An activation as the API presents it (without the file, which has its own field). */
export interface Activation {
  id: string;
  licenseId: string;
  deviceName: string;
  fingerprint: string;
  status: "active" | "returned";
  parameters: Record<string, ParameterValue | null>;
  fileVersion: number;
  createdAt: string;
  refreshedAt: string;
  returnedAt: string | null;
}

export function presentActivation(a: ActivationRow): Activation {
  return {
    id: a.id,
    licenseId: a.license_id,
    deviceName: a.device_name,
    fingerprint: a.fingerprint,
    status: a.status as Activation["status"],
    parameters: JSON.parse(a.parameters).values ?? {},
    fileVersion: a.file_version,
    createdAt: a.created_at,
    refreshedAt: a.refreshed_at,
    returnedAt: a.returned_at,
  };
}
