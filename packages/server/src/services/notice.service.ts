import nodemailer from "nodemailer";
import type { Logger } from "pino";
import type { Config } from "../config/config.ts";
import { AppError, ErrorCode, invalid, notFound } from "../domain/errors.ts";
import { formatTicket } from "../domain/ticket.ts";
import { findLicensesByOrder } from "../store/license.store.ts";
import { claimNotices, markNoticeDone, markNoticeFailed, type NoticeRow } from "../store/notice.store.ts";
import { findOrderById } from "../store/order.store.ts";
import { recordAudit } from "./audit.service.ts";
import type { Ctx, Deps } from "./context.ts";
import { groupInScope, visibilityScope } from "./permissions.ts";

/** One email. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Sends notices: through SMTP when `SMTP_URL` is set, otherwise into the log. */
export interface Mailer {
  /** True when mails leave through SMTP; false when they only reach the log. */
  readonly delivers: boolean;
  /** `sent` by SMTP or `logged`. Throws when the SMTP server refuses or cannot be reached. */
  send(mail: Mail): Promise<"sent" | "logged">;
  close(): void;
}

export function createMailer(config: Pick<Config, "smtpUrl" | "smtpFrom">, log: Logger): Mailer {
  if (!config.smtpUrl)
    return {
      delivers: false,
      async send(mail) {
        log.warn({ notice: mail }, "notice not sent: SMTP_URL is not set, so it is written to the log");
        return "logged";
      },
      close() {},
    };
  const transport = nodemailer.createTransport(config.smtpUrl, { from: config.smtpFrom });
  return {
    delivers: true,
    async send(mail) {
      await transport.sendMail({ to: mail.to, subject: mail.subject, text: mail.text });
      return "sent";
    },
    close() {
      transport.close();
    },
  };
}

/** An address with a local part, an @ and a domain with a dot; the mail server decides the rest. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A claimed notice that no node finished within this time is claimed again. */
const CLAIM_MS = 5 * 60_000;
/** After this many failed attempts a notice is given up (status `failed`). */
const MAX_ATTEMPTS = 8;
const BATCH = 50;

/**
 * Delivers queued notices. Notices are queued in the transaction of the event they announce (so
 * none is lost and, by their unique key, none is queued twice); delivery claims them in the
 * database, so two nodes never send the same notice at once. A node that dies between sending and
 * marking leaves the notice to be sent again after the claim expires: at least once, normally once.
 */
export class NoticeService {
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: Deps,
    private readonly mailer: Mailer,
  ) {}

  /** Sends every notice due now; returns how many were sent, logged and failed. */
  async deliverPending(): Promise<{ sent: number; logged: number; failed: number }> {
    const run = this.running.then(() => this.deliver());
    this.running = run.catch(() => {});
    return run;
  }

  /** Starts delivery without waiting (after an API change); failures go to the log. */
  deliverSoon(): void {
    this.deliverPending().catch((err) => this.deps.log.error({ err }, "delivering notices failed"));
  }

  /** Resolves once no delivery is in progress (before the database closes). */
  async idle(): Promise<void> {
    await this.running;
  }

  close(): void {
    this.mailer.close();
  }

  /** Whether emails reach their recipients (SMTP is configured), so a ticket can be sent. */
  get canSendTickets(): boolean {
    return this.mailer.delivers;
  }

  /**
   * Emails an order's ticket, with how to activate, to `to` (normally the customer). Sent at
   * once, not queued, so the sender learns whether the mail server took it; the ticket is a
   * bearer secret, so it is never written to the log: without SMTP nothing is sent. Anybody who
   * can see the order (and so its ticket) may send it. The audit log records the recipient.
   */
  async sendTicket(ctx: Ctx, orderId: string, to: string): Promise<{ to: string }> {
    const db = this.deps.db;
    const recipient = to.trim();
    const order = await findOrderById(db, orderId);
    if (!order || !(await groupInScope(db, visibilityScope(ctx), order.group_id)))
      throw notFound("order", orderId);
    if (!this.mailer.delivers)
      throw invalid([
        {
          field: "to",
          message:
            "email is not set up on this server (SMTP_URL is not configured); copy or print the ticket instead",
        },
      ]);
    if (!EMAIL.test(recipient) || recipient.length > 320)
      throw invalid([
        { field: "to", message: `"${recipient}" is not an email address such as ada@example.com` },
      ]);
    const licenses = await findLicensesByOrder(db, orderId);
    const greeting = order.customer_name ? `Hello ${order.customer_name},` : "Hello,";
    const reference = order.external_order_number ? ` (order ${order.external_order_number})` : "";
    const text = [
      greeting,
      "",
      `here is the ticket for your licenses${reference}:`,
      "",
      `    ${formatTicket(order.ticket)}`,
      "",
      "Enter it in the license depot to activate the licenses on your computers and to download their license files:",
      `${this.deps.config.publicUrl.replace(/\/$/, "")}/depot`,
      "",
      "Licenses of this order:",
      ...licenses.map(
        (l) =>
          `- ${l.product_name}: ${l.seats} ${l.seats === 1 ? "seat" : "seats"}${l.expires_at ? `, expires ${l.expires_at}` : ""}${l.maintenance_until ? `, maintenance until ${l.maintenance_until}` : ""}`,
      ),
      "",
      "Keep the ticket safe: whoever holds it can activate these licenses.",
    ].join("\n");
    try {
      await this.mailer.send({ to: recipient, subject: `Your license ticket${reference}`, text });
    } catch (err) {
      this.deps.log.warn({ err, order: orderId }, "sending a ticket email failed");
      throw new AppError(
        ErrorCode.INTERNAL,
        "the mail server did not take the email; try again in a moment, or copy or print the ticket",
      );
    }
    await recordAudit(db, ctx, this.deps.clock.now(), [
      {
        action: "order.ticket_sent",
        entityType: "order",
        entityId: orderId,
        groupId: order.group_id,
        after: { to: recipient },
      },
    ]);
    return { to: recipient };
  }

  private async deliver(): Promise<{ sent: number; logged: number; failed: number }> {
    const out = { sent: 0, logged: 0, failed: 0 };
    for (;;) {
      const now = this.deps.clock.now();
      const claimed = await claimNotices(
        this.deps.db,
        now.toISOString(),
        new Date(now.getTime() + CLAIM_MS).toISOString(),
        BATCH,
      );
      if (!claimed.length) return out;
      for (const n of claimed) await this.deliverOne(n, out);
    }
  }

  private async deliverOne(n: NoticeRow, out: { sent: number; logged: number; failed: number }) {
    const db = this.deps.db;
    try {
      const how = await this.mailer.send({ to: n.recipient, subject: n.subject, text: n.body });
      await markNoticeDone(db, n.key, how, this.deps.clock.now().toISOString());
      out[how]++;
    } catch (err) {
      const attempts = n.attempts + 1;
      const backoff = Math.min(2 ** attempts * 60_000, 6 * 3_600_000);
      const next = new Date(this.deps.clock.now().getTime() + backoff).toISOString();
      await markNoticeFailed(db, n.key, attempts >= MAX_ATTEMPTS ? "failed" : "pending", next, String(err));
      this.deps.log.warn({ err, notice: n.key, attempts }, "sending a notice failed");
      out.failed++;
    }
  }
}
