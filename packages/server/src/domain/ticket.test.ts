import { describe, expect, it } from "vitest";
import { formatTicket, newTicket, normalizeTicket } from "./ticket.ts";

describe("tickets", () => {
  it("are five groups of five Crockford base32 characters", () => {
    for (let i = 0; i < 200; i++)
      expect(newTicket()).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$/);
  });

  it("are practically unique", () => {
    const seen = new Set(Array.from({ length: 10_000 }, newTicket));
    expect(seen.size).toBe(10_000);
  });

  it("are read case-insensitively, with dashes and spaces optional and look-alikes mapped", () => {
    const t = "7KQ2M-9XH4D-ZP1RT-8W3NC-6YB50";
    expect(normalizeTicket(t)).toBe("7KQ2M9XH4DZP1RT8W3NC6YB50");
    expect(normalizeTicket("7kq2m 9xh4d zp1rt 8w3nc 6yb50")).toBe("7KQ2M9XH4DZP1RT8W3NC6YB50");
    expect(normalizeTicket("7KQ2M9XH4DZPlRT8W3NC6YBSO".replace("S", "5"))).toBe("7KQ2M9XH4DZP1RT8W3NC6YB50");
    expect(formatTicket("7KQ2M9XH4DZP1RT8W3NC6YB50")).toBe(t);
  });

  it("rejects what cannot be a ticket", () => {
    for (const bad of [
      "",
      "short",
      "7KQ2M-9XH4D-ZP1RT-8W3NC-6YB5",
      "7KQ2M-9XH4D-ZP1RT-8W3NC-6YB5U",
      "7KQ2M-9XH4D-ZP1RT-8W3NC-6YB5!",
    ])
      expect(normalizeTicket(bad), bad).toBeNull();
  });
});
