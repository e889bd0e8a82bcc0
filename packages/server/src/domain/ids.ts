import { randomBytes } from "node:crypto";

let lastMs = 0;
let seq = 0;

/**
 * A UUID version 7 (RFC 9562): time-ordered, so ids sort by creation and serve as cursors.
 * Ids made within one millisecond stay ordered through a 12-bit counter.
 */
export function newId(now: number = Date.now()): string {
  if (now <= lastMs) {
    seq++;
    if (seq > 0xfff) {
      lastMs++;
      seq = 0;
    }
  } else {
    lastMs = now;
    seq = 0;
  }
  return uuidV7(randomBytes(16), lastMs, seq);
}

/**
 * Lays out a UUID version 7 over 16 random bytes: 48-bit milliseconds, version, 12-bit sequence,
 * variant, random rest. The bytes are overwritten in place.
 */
export function uuidV7(b: Uint8Array, ms: number, seq: number): string {
  b[0] = Math.floor(ms / 2 ** 40) & 0xff;
  b[1] = Math.floor(ms / 2 ** 32) & 0xff;
  b[2] = (ms >>> 24) & 0xff;
  b[3] = (ms >>> 16) & 0xff;
  b[4] = (ms >>> 8) & 0xff;
  b[5] = ms & 0xff;
  b[6] = 0x70 | ((seq >>> 8) & 0x0f);
  b[7] = seq & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = Buffer.from(b.buffer, b.byteOffset, 16).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isId(value: string): boolean {
  return UUID.test(value);
}
