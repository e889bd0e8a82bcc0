import { describe, expect, it } from "vitest";
import { isId, newId } from "./ids.ts";

describe("ids", () => {
  it("are UUID version 7 with the creation time in the first 48 bits", () => {
    const at = Date.UTC(2030, 0, 1);
    const id = newId(at);
    expect(isId(id)).toBe(true);
    expect(id[14]).toBe("7");
    expect(Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBeGreaterThanOrEqual(at);
  });

  it("sort in creation order, even within one millisecond", () => {
    const ids = Array.from({ length: 5000 }, () => newId(Date.UTC(2031, 0, 1)));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
