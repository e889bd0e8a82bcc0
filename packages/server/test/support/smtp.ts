import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** One email the test SMTP server received. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives; `url` goes into SMTP_URL. */
export interface TestSmtp {
  url: string;
  received: ReceivedMail[];
  /** Waits until `predicate` holds for the received mails (polls; fails after `timeoutMs`). */
  waitFor(predicate: (mails: ReceivedMail[]) => boolean, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

function header(raw: string, name: string): string {
  const m = new RegExp(`^${name}:\\s*((?:.*)(?:\\r?\\n[ \\t].*)*)`, "im").exec(raw);
  return m ? m[1]!.replace(/\r?\n[ \t]/g, " ").trim() : "";
}

/** The decoded text body of a simple (non-multipart) message. */
function body(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const text = raw.slice(split).replace(/^\r?\n\r?\n/, "");
  if (/quoted-printable/i.test(header(raw, "Content-Transfer-Encoding")))
    return Buffer.from(
      text
        .replace(/=\r?\n/g, "")
        .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
      "latin1",
    ).toString("utf8");
  if (/base64/i.test(header(raw, "Content-Transfer-Encoding")))
    return Buffer.from(text, "base64").toString("utf8");
  return text;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: header(raw, "Subject"),
          text: body(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline)
          throw new Error(
            `the expected mails did not arrive; received: ${JSON.stringify(received, null, 2)}`,
          );
        await new Promise((r) => setTimeout(r, 50));
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
