import nodemailer from "nodemailer";
import type { Logger } from "pino";
import type { Config } from "../config/config.ts";
import { claimNotices, markNoticeDone, markNoticeFailed, type NoticeRow } from "../store/notice.store.ts";
import type { Deps } from "./context.ts";

/** One email. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Sends notices: through SMTP when `SMTP_URL` is set, otherwise into the log. */
export interface Mailer {
  /** `sent` by SMTP or `logged`. Throws when the SMTP server refuses or cannot be reached. */
  send(mail: Mail): Promise<"sent" | "logged">;
  close(): void;
}

export function createMailer(config: Pick<Config, "smtpUrl" | "smtpFrom">, log: Logger): Mailer {
  if (!config.smtpUrl)
    return {
      async send(mail) {
        log.warn({ notice: mail }, "notice not sent: SMTP_URL is not set, so it is written to the log");
        return "logged";
      },
      close() {},
    };
  const transport = nodemailer.createTransport(config.smtpUrl, { from: config.smtpFrom });
  return {
    async send(mail) {
      await transport.sendMail({ to: mail.to, subject: mail.subject, text: mail.text });
      return "sent";
    },
    close() {
      transport.close();
    },
  };
}

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
