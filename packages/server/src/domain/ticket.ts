import { randomBytes } from "node:crypto";

/** Crockford's base32 alphabet: no I, L, O or U, so a ticket read aloud or typed is unambiguous. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * A new ticket: 25 Crockford base32 characters (125 bits from the CSPRNG) in five groups of five,
 * e.g. `7KQ2M-9XH4D-ZP1RT-8W3NC-6YB5V`.
 */
export function newTicket(): string {
  const bytes = randomBytes(25);
  let out = "";
  for (let i = 0; i < 25; i++) {
    out += ALPHABET[bytes[i]! & 31];
    if (i % 5 === 4 && i < 24) out += "-";
  }
  return out;
}

/**
 * The canonical form of a ticket as typed by a person: case-insensitive, dashes and spaces
 * optional, I/L read as 1 and O as 0. Returns null when it cannot be a ticket.
 */
export function normalizeTicket(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]/g, "").replace(/[IL]/g, "1").replace(/O/g, "0");
  if (s.length !== 25) return null;
  for (const c of s) if (!ALPHABET.includes(c)) return null;
  return s;
}

/** The display form with dashes of a normalized ticket. */
export function formatTicket(normalized: string): string {
  return normalized.match(/.{5}/g)!.join("-");
}
