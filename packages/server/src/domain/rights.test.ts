import { describe, expect, it } from "vitest";
import { derivableGrants, SYSTEM_GRANTOR } from "./rights.ts";

const isv = (id: string) => id === "isv";
const admins = new Set(["isv", "a", "b", "c"]);
const isAdmin = (id: string) => admins.has(id);

describe("grant derivation", () => {
  it("keeps a chain that starts at an ISV admin or the system", () => {
    const edges = [
      { id: "1", userId: "a", grantorId: "isv" },
      { id: "2", userId: "b", grantorId: "a" },
      { id: "3", userId: "u", grantorId: "b" },
      { id: "4", userId: "c", grantorId: SYSTEM_GRANTOR },
    ];
    expect(derivableGrants(edges, isv, isAdmin)).toEqual(new Set(["1", "2", "3", "4"]));
  });

  it("drops what existed only through a revoked grant, like REVOKE … CASCADE", () => {
    const edges = [
      { id: "2", userId: "b", grantorId: "a" },
      { id: "3", userId: "u", grantorId: "b" },
    ];
    expect(derivableGrants(edges, isv, isAdmin)).toEqual(new Set());
  });

  it("keeps a grantee's right that also arrives through another chain", () => {
    const edges = [
      { id: "1", userId: "a", grantorId: "isv" },
      { id: "2", userId: "u", grantorId: "b" },
      { id: "3", userId: "u", grantorId: "a" },
    ];
    expect(derivableGrants(edges, isv, isAdmin)).toEqual(new Set(["1", "3"]));
  });

  it("does not let a cycle of admins keep itself alive", () => {
    const edges = [
      { id: "1", userId: "a", grantorId: "b" },
      { id: "2", userId: "b", grantorId: "a" },
    ];
    expect(derivableGrants(edges, isv, isAdmin)).toEqual(new Set());
    expect(derivableGrants([...edges, { id: "3", userId: "a", grantorId: "isv" }], isv, isAdmin)).toEqual(
      new Set(["1", "2", "3"]),
    );
  });

  it("ignores grants by users who are no longer admins", () => {
    const edges = [
      { id: "1", userId: "x", grantorId: "isv" },
      { id: "2", userId: "u", grantorId: "x" },
    ];
    expect(derivableGrants(edges, isv, isAdmin)).toEqual(new Set(["1"]));
  });

  it("drops an admin's grant to a user outside its subtree", () => {
    const edges = [
      { id: "1", userId: "a", grantorId: "isv" },
      { id: "2", userId: "u", grantorId: "a" },
    ];
    expect(derivableGrants(edges, isv, isAdmin, (g, u) => !(g === "a" && u === "u"))).toEqual(new Set(["1"]));
  });
});
