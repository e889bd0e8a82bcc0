import { Readable } from "node:stream";
import type { FastifyReply } from "fastify";

/** One CSV cell: text, a number, a boolean, or empty. */
export type CsvValue = string | number | boolean | null | undefined;

/** Rows of a list, page by page: each call returns the next rows and the cursor after them. */
export type PageFetcher<C> = (cursor: C | undefined) => Promise<{ rows: CsvValue[][]; next: C | null }>;

/** A list exported as CSV stops at this many rows, and says so in its last line. */
export const CSV_MAX_ROWS = 100_000;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break. A text that a
 * spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return) gets a
 * leading apostrophe, so an exported customer name cannot run code on the reader's machine.
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: CsvValue[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/**
 * Sends a whole list as a CSV download: the header, then every page the fetcher returns, read
 * with the same filters and visibility as the page on screen, up to `CSV_MAX_ROWS` rows. The
 * first page is read before anything is sent (so a refusal is still a proper error page); the
 * rest streams page by page, so a long export never sits in memory as a whole.
 */
export async function sendCsv<C>(
  reply: FastifyReply,
  filename: string,
  header: string[],
  fetchPage: PageFetcher<C>,
): Promise<FastifyReply> {
  const first = await fetchPage(undefined);
  async function* chunks(): AsyncGenerator<string> {
    yield csvLine(header);
    let page = first;
    let count = 0;
    for (;;) {
      let chunk = "";
      for (const row of page.rows) {
        if (count === CSV_MAX_ROWS) {
          yield `${chunk}${csvLine([`(stopped after ${CSV_MAX_ROWS} rows: narrow the filters)`])}`;
          return;
        }
        chunk += csvLine(row);
        count++;
      }
      yield chunk;
      if (page.next === null) return;
      page = await fetchPage(page.next);
    }
  }
  return reply
    .header("content-type", "text/csv; charset=utf-8")
    .header("content-disposition", `attachment; filename="${filename}"`)
    .header("cache-control", "no-store")
    .send(Readable.from(chunks()));
}
