import { dayOf } from "../domain/dates.ts";
import { AppError, ErrorCode } from "../domain/errors.ts";
import { type LicenseState, licenseState } from "../domain/license-state.ts";
import { formatTicket, normalizeTicket } from "../domain/ticket.ts";
import { findActivationsByLicenses } from "../store/activation.store.ts";
import { findLicensesByOrder } from "../store/license.store.ts";
import { findOrderByTicket } from "../store/order.store.ts";
import type { Deps } from "./context.ts";
import {
  type Activation,
  type Customer,
  type License,
  presentActivation,
  presentLicense,
} from "./license.view.ts";

/** What a ticket holder sees: the order's licenses and their activations. */
export interface TicketView {
  ticket: string;
  order: { id: string; createdAt: string; customer: Customer | null };
  licenses: (License & { state: LicenseState; activations: Activation[] })[];
}

export class TicketService {
  constructor(private readonly deps: Deps) {}

  /** A wrong ticket and a malformed one get the same answer: nothing is revealed. */
  async lookup(input: string): Promise<TicketView> {
    const ticket = normalizeTicket(input);
    const order = ticket ? await findOrderByTicket(this.deps.db, ticket) : undefined;
    if (!order) throw new AppError(ErrorCode.TICKET_NOT_FOUND, "no order matches this ticket");
    const licenses = await findLicensesByOrder(this.deps.db, order.id);
    const activations = await findActivationsByLicenses(
      this.deps.db,
      licenses.map((l) => l.id),
    );
    const today = dayOf(this.deps.clock.now());
    const hasCustomer =
      order.customer_name !== null || order.customer_email !== null || order.customer_company !== null;
    return {
      ticket: formatTicket(order.ticket),
      order: {
        id: order.id,
        createdAt: order.created_at,
        customer: hasCustomer
          ? { name: order.customer_name, email: order.customer_email, company: order.customer_company }
          : null,
      },
      licenses: licenses.map((l) => ({
        ...presentLicense(l),
        state: licenseState(l, today),
        activations: activations.filter((a) => a.license_id === l.id).map(presentActivation),
      })),
    };
  }
}
