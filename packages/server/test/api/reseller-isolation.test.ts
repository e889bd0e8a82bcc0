import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  activate,
  createCategory,
  createGroup,
  createProduct,
  createUser,
  grant,
} from "../support/factories.ts";
import {
  type ApiClient,
  type ApiResponse,
  dialects,
  startTestServer,
  type TestServer,
} from "../support/harness.ts";

/*
 * Reseller isolation (DESIGN §2.3), route by route. Reseller A holds orders, licenses, an
 * activation, a subscription, users, subgroups, grants and API keys; a user of the sibling
 * reseller B tries every route of the OpenAPI document on them: B's admin (who holds every right
 * on the partners' categories) and a plain user of B. What B cannot see answers 404, exactly as
 * for an id that does not exist (each such case also sends a "ghost" request about a missing id
 * and compares the answers); what B sees but may not change answers 403; admin-only routes answer
 * a plain user 403 whatever it names; a group named in a body answers 400 on that field, as an
 * unknown one does. No answer carries anything of A's, and afterwards every row outside B's own
 * subtree is as it was, and A's owner sees its things as before. A route without an entry in
 * EXPECTATIONS fails the suite, so a new route cannot be skipped silently.
 */

const ROOT = "00000000-0000-7000-8000-000000000000";
const PASSWORD = "a long enough password";
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ORDER_A_IDEMPOTENCY_KEY = "order-a-0001";
/** Tables of logs and counters, which B's requests may grow. */
const SNAPSHOT_SKIPS = new Set(["audit_events", "idempotency_keys", "rate_limits", "jobs"]);

type Attacker = "bob" | "bea";

/** A JSON answer; its shape differs from route to route. */
// biome-ignore lint/suspicious/noExplicitAny: the cases read answers of every route's shape
type Json = any;

interface Party {
  user: { id: string; email: string };
  api: ApiClient;
}

/** Everything the cases refer to, made in `beforeAll`. */
interface World {
  demo: number;
  partners: string;
  /** Sells the demo product as a license subscription. */
  subscriptions: string;
  internal: string;
  resellerA: { id: string; path: string };
  subA: string;
  emptyA: string;
  resellerB: { id: string; path: string };
  subB: string;
  alice: Party;
  ann: Party;
  bob: Party;
  bea: Party;
  /** Alice's order: its creation request, as sent. */
  orderARequest: Record<string, unknown>;
  orderA: { id: string; ticket: string };
  /** Activated on a device of A's customer. */
  licA1: string;
  /** Never activated: deletable by whoever may. */
  licA2: string;
  actA: string;
  fileA: string;
  keyA: string;
  /** Alice's order through the subscriptions category, and its subscription. */
  orderS: string;
  licS: string;
  subS: string;
  /** Bob's own order, activated on Bob's device: B's own ticket and license file. */
  ticketB: string;
  fileB: string;
  kid: string;
}

/** What an attacker must get: a status, and what else must hold of the answer. */
type Outcome = number | { status: number; check: (body: Json, w: World, who: Attacker) => void };

interface Case {
  what: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  body?: unknown | ((who: Attacker, w: World) => unknown);
  headers?: Record<string, string>;
  bob: Outcome;
  bea: Outcome;
  /**
   * The same request about something that does not exist: its answer must not differ from the
   * real one (same status, and same error code unless `sameCode` is false), so that the answer
   * reveals nothing.
   */
  ghost?: { path: string; body?: unknown; sameCode?: boolean };
}

const ghostId = () => randomUUID();
const ghostTicket = () =>
  Array.from({ length: 5 }, () =>
    Array.from({ length: 5 }, () => CROCKFORD[Math.floor(Math.random() * 32)]).join(""),
  ).join("-");

const noneOf =
  (key: "orderA" | "licA" | "groupsA" | "usersA" | "keyA" | "subA") =>
  (body: Json, w: World): void => {
    const ids = (body.data as { id: string }[]).map((x) => x.id);
    const forbidden = {
      orderA: [w.orderA.id, w.orderS],
      licA: [w.licA1, w.licA2, w.licS],
      subA: [w.subS],
      groupsA: [w.resellerA.id, w.subA, w.emptyA, ROOT],
      usersA: [w.alice.user.id, w.ann.user.id],
      keyA: [w.keyA],
    }[key];
    expect(ids.filter((id) => forbidden.includes(id))).toEqual([]);
  };

const refusedWithoutOrderId = (code: string) => ({
  status: 409,
  check: (body: Json) => {
    expect(body.error.code).toBe(code);
    expect(body.error.details).not.toHaveProperty("orderId");
  },
});

/** One entry per route of the OpenAPI document, keyed `METHOD /path/{param}`. */
const EXPECTATIONS: Record<string, (w: World) => Case[]> = {
  // The catalog is the vendor's: partners read it and change nothing.
  "POST /api/v1/products": () => [
    {
      what: "creates a product",
      method: "POST",
      path: "/api/v1/products",
      body: { code: 990_001, name: "Reseller's own", parameters: [] },
      bob: 403,
      bea: 403,
    },
  ],
  "GET /api/v1/products": () => [
    { what: "reads the catalog", method: "GET", path: "/api/v1/products", bob: 200, bea: 200 },
  ],
  "GET /api/v1/products/{code}": (w) => [
    { what: "reads a product", method: "GET", path: `/api/v1/products/${w.demo}`, bob: 200, bea: 200 },
  ],
  "PATCH /api/v1/products/{code}": (w) => [
    {
      what: "renames a product",
      method: "PATCH",
      path: `/api/v1/products/${w.demo}`,
      body: { name: "Renamed by a reseller" },
      bob: 403,
      bea: 403,
      ghost: { path: "/api/v1/products/999999", body: { name: "Renamed by a reseller" } },
    },
  ],
  "POST /api/v1/products/{code}/archive": (w) => [
    {
      what: "archives a product",
      method: "POST",
      path: `/api/v1/products/${w.demo}/archive`,
      bob: 403,
      bea: 403,
      ghost: { path: "/api/v1/products/999999/archive" },
    },
  ],
  "POST /api/v1/products/{code}/restore": (w) => [
    {
      what: "restores a product",
      method: "POST",
      path: `/api/v1/products/${w.demo}/restore`,
      bob: 403,
      bea: 403,
      ghost: { path: "/api/v1/products/999999/restore" },
    },
  ],

  // Orders and licenses of A do not exist for B.
  "POST /api/v1/orders": (w) => [
    {
      what: "replays A's order by its external order number",
      method: "POST",
      path: "/api/v1/orders",
      body: w.orderARequest,
      bob: refusedWithoutOrderId("ORDER_CONFLICT"),
      bea: refusedWithoutOrderId("ORDER_CONFLICT"),
    },
    {
      what: "replays A's order with the Idempotency-Key A used",
      method: "POST",
      path: "/api/v1/orders",
      body: w.orderARequest,
      headers: { "idempotency-key": ORDER_A_IDEMPOTENCY_KEY },
      bob: refusedWithoutOrderId("ORDER_CONFLICT"),
      bea: refusedWithoutOrderId("ORDER_CONFLICT"),
    },
    {
      what: "replays A's order by its unique ERP order number",
      method: "POST",
      path: "/api/v1/orders",
      body: { ...w.orderARequest, externalOrderNumber: undefined },
      bob: refusedWithoutOrderId("DATA_FIELD_TAKEN"),
      bea: refusedWithoutOrderId("DATA_FIELD_TAKEN"),
    },
  ],
  "GET /api/v1/orders": (w) =>
    [
      "",
      `?ticket=${w.orderA.ticket}`,
      "?externalOrderNumber=EXT-A-1",
      "?dataField=erpOrderNumber%3DSO-1001",
      `?category=${w.partners}&limit=200`,
    ].map((q) => ({
      what: `lists orders${q}`,
      method: "GET" as const,
      path: `/api/v1/orders${q}`,
      bob: { status: 200, check: noneOf("orderA") },
      bea: { status: 200, check: noneOf("orderA") },
    })),
  "GET /api/v1/orders/{id}": (w) => [
    {
      what: "reads A's order",
      method: "GET",
      path: `/api/v1/orders/${w.orderA.id}`,
      bob: 404,
      bea: 404,
      ghost: { path: `/api/v1/orders/${ghostId()}` },
    },
  ],
  "GET /api/v1/licenses": (w) =>
    ["", `?order=${w.orderA.id}`, `?product=${w.demo}&limit=200`].map((q) => ({
      what: `lists licenses${q}`,
      method: "GET" as const,
      path: `/api/v1/licenses${q}`,
      bob: { status: 200, check: noneOf("licA") },
      bea: { status: 200, check: noneOf("licA") },
    })),
  "GET /api/v1/licenses/{id}": (w) => [
    {
      what: "reads A's license",
      method: "GET",
      path: `/api/v1/licenses/${w.licA1}`,
      bob: 404,
      bea: 404,
      ghost: { path: `/api/v1/licenses/${ghostId()}` },
    },
  ],
  "PATCH /api/v1/licenses/{id}": (w) => [
    {
      what: "modifies A's license",
      method: "PATCH",
      path: `/api/v1/licenses/${w.licA2}`,
      body: { parameters: { seats: 2 } },
      bob: 404,
      bea: 404,
      ghost: { path: `/api/v1/licenses/${ghostId()}`, body: { parameters: { seats: 2 } } },
    },
  ],
  "POST /api/v1/licenses/{id}/revoke": (w) => [
    {
      what: "revokes A's license",
      method: "POST",
      path: `/api/v1/licenses/${w.licA1}/revoke`,
      bob: 404,
      bea: 404,
      ghost: { path: `/api/v1/licenses/${ghostId()}/revoke` },
    },
  ],
  "DELETE /api/v1/licenses/{id}": (w) => [
    {
      what: "deletes A's never-activated license",
      method: "DELETE",
      path: `/api/v1/licenses/${w.licA2}`,
      bob: 404,
      bea: 404,
      ghost: { path: `/api/v1/licenses/${ghostId()}` },
    },
  ],

  // Ticket- and file-authenticated routes: an API key is worth nothing there; without A's ticket
  // or A's license file, B gets nothing of A's.
  "POST /api/v1/activations": (w) => [
    {
      what: "activates A's license with B's own ticket",
      method: "POST",
      path: "/api/v1/activations",
      body: { ticket: w.ticketB, license: w.licA2, fingerprint: "sibling-device-01", deviceName: "B's" },
      bob: 404,
      bea: 404,
      ghost: {
        path: "/api/v1/activations",
        body: { ticket: w.ticketB, license: ghostId(), fingerprint: "sibling-device-01", deviceName: "B's" },
      },
    },
    {
      what: "activates with a guessed ticket",
      method: "POST",
      path: "/api/v1/activations",
      body: {
        ticket: ghostTicket(),
        productCode: w.demo,
        fingerprint: "sibling-device-01",
        deviceName: "B's",
      },
      bob: 404,
      bea: 404,
    },
  ],
  "POST /api/v1/activations/offline": (w) => [
    {
      what: "uploads a request file for A's license with B's own ticket",
      method: "POST",
      path: "/api/v1/activations/offline",
      body: {
        type: "licentra-activation-request",
        version: 1,
        ticket: w.ticketB,
        license: w.licA2,
        fingerprint: "sibling-device-01",
        deviceName: "B's",
      },
      bob: 404,
      bea: 404,
    },
  ],
  "POST /api/v1/activations/{id}/refresh": (w) => [
    {
      what: "refreshes A's activation with B's own ticket",
      method: "POST",
      path: `/api/v1/activations/${w.actA}/refresh`,
      body: { ticket: w.ticketB },
      bob: 404,
      bea: 404,
      // An unknown activation says NOT_FOUND, a known one with the wrong ticket TICKET_NOT_FOUND.
      ghost: {
        path: `/api/v1/activations/${ghostId()}/refresh`,
        body: { ticket: w.ticketB },
        sameCode: false,
      },
    },
    {
      what: "refreshes A's activation with B's own license file",
      method: "POST",
      path: `/api/v1/activations/${w.actA}/refresh`,
      body: { licenseFile: w.fileB },
      bob: 401,
      bea: 401,
    },
  ],
  "POST /api/v1/activations/{id}/return": (w) => [
    {
      what: "returns A's activation with B's own ticket",
      method: "POST",
      path: `/api/v1/activations/${w.actA}/return`,
      body: { ticket: w.ticketB },
      bob: 404,
      bea: 404,
      ghost: {
        path: `/api/v1/activations/${ghostId()}/return`,
        body: { ticket: w.ticketB },
        sameCode: false,
      },
    },
    {
      what: "returns A's activation with B's own license file",
      method: "POST",
      path: `/api/v1/activations/${w.actA}/return`,
      body: { licenseFile: w.fileB },
      bob: 401,
      bea: 401,
    },
  ],
  "POST /api/v1/validate": (w) => [
    {
      what: "validates A's license from a device that never activated it",
      method: "POST",
      path: "/api/v1/validate",
      body: { license: w.licA1, fingerprint: "sibling-device-01" },
      bob: { status: 200, check: notActivated },
      bea: { status: 200, check: notActivated },
    },
  ],
  "GET /api/v1/tickets/{ticket}": (w) => [
    {
      what: "looks up a guessed ticket",
      method: "GET",
      path: `/api/v1/tickets/${ghostTicket()}`,
      bob: 404,
      bea: 404,
    },
    {
      what: "looks up A's order id as a ticket",
      method: "GET",
      path: `/api/v1/tickets/${w.orderA.id}`,
      bob: 404,
      bea: 404,
    },
  ],

  // Signing keys are the vendor's; B's admin reads the audit log of B's subtree only.
  "GET /.well-known/jwks.json": () => [
    { what: "reads the public keys", method: "GET", path: "/.well-known/jwks.json", bob: 200, bea: 200 },
  ],
  "GET /api/v1/signing-keys": () => [
    { what: "lists signing keys", method: "GET", path: "/api/v1/signing-keys", bob: 403, bea: 403 },
  ],
  "POST /api/v1/signing-keys/rotate": () => [
    {
      what: "rotates the signing key",
      method: "POST",
      path: "/api/v1/signing-keys/rotate",
      bob: 403,
      bea: 403,
    },
  ],
  "POST /api/v1/signing-keys/{kid}/retire": (w) => [
    {
      what: "retires the signing key",
      method: "POST",
      path: `/api/v1/signing-keys/${w.kid}/retire`,
      bob: 403,
      bea: 403,
      ghost: { path: "/api/v1/signing-keys/no-such-kid/retire" },
    },
  ],
  "GET /api/v1/audit-events": (w) => [
    {
      what: "reads the audit log",
      method: "GET",
      path: "/api/v1/audit-events?limit=500",
      bob: { status: 200, check: (body: Json) => expect(body.data.length).toBeGreaterThan(0) },
      bea: 403,
    },
    {
      what: "reads the audit log of A's order",
      method: "GET",
      path: `/api/v1/audit-events?entityId=${w.orderA.id}`,
      bob: { status: 200, check: (body: Json) => expect(body.data).toEqual([]) },
      bea: 403,
    },
  ],

  // API keys of A's users.
  "POST /api/v1/api-keys": (w) =>
    [w.alice, w.ann].map((p) => ({
      what: `creates an API key acting as ${p === w.alice ? "A's admin" : "A's plain user"}`,
      method: "POST" as const,
      path: "/api/v1/api-keys",
      body: { name: "borrowed", user: p.user.email },
      bob: 404,
      bea: 404,
      ghost: { path: "/api/v1/api-keys", body: { name: "borrowed", user: "nobody@partner.test" } },
    })),
  "GET /api/v1/api-keys": () => [
    {
      what: "lists API keys",
      method: "GET",
      path: "/api/v1/api-keys",
      bob: { status: 200, check: noneOf("keyA") },
      bea: { status: 200, check: noneOf("keyA") },
    },
  ],
  "POST /api/v1/api-keys/{id}/revoke": (w) => [
    {
      what: "revokes A's admin's API key",
      method: "POST",
      path: `/api/v1/api-keys/${w.keyA}/revoke`,
      bob: 404,
      bea: 404,
      ghost: { path: `/api/v1/api-keys/${ghostId()}/revoke` },
    },
  ],

  // Groups: A's subtree and the vendor's root do not exist for B. A group named in a body is
  // refused like an unknown one (400 on the field), which reveals nothing either.
  "POST /api/v1/groups": (w) => [
    {
      what: "creates a subgroup in A",
      method: "POST",
      path: "/api/v1/groups",
      body: { name: "Planted", parentId: w.resellerA.id },
      bob: 400,
      bea: 403,
      ghost: { path: "/api/v1/groups", body: { name: "Planted", parentId: ghostId() } },
    },
  ],
  "GET /api/v1/groups": () => [
    {
      what: "lists groups",
      method: "GET",
      path: "/api/v1/groups?limit=200",
      bob: { status: 200, check: noneOf("groupsA") },
      bea: { status: 200, check: noneOf("groupsA") },
    },
  ],
  "GET /api/v1/groups/{id}": (w) =>
    [
      ["A's group", w.resellerA.id],
      ["A's subgroup", w.subA],
      ["the vendor's root group", ROOT],
    ].map(([name, id]) => ({
      what: `reads ${name}`,
      method: "GET" as const,
      path: `/api/v1/groups/${id}`,
      bob: 404,
      bea: 404,
      ghost: { path: `/api/v1/groups/${ghostId()}` },
    })),
  "PATCH /api/v1/groups/{id}": (w) => [
    {
      what: "renames A's subgroup",
      method: "PATCH",
      path: `/api/v1/groups/${w.subA}`,
      body: { name: "Taken over" },
      bob: 404,
      bea: 403,
      ghost: { path: `/api/v1/groups/${ghostId()}`, body: { name: "Taken over" } },
    },
  ],
  "DELETE /api/v1/groups/{id}": (w) => [
    {
      what: "deletes A's empty subgroup",
      method: "DELETE",
      path: `/api/v1/groups/${w.emptyA}`,
      bob: 404,
      bea: 403,
      ghost: { path: `/api/v1/groups/${ghostId()}` },
    },
  ],
  "POST /api/v1/groups/{id}/move": (w) => [
    {
      what: "moves A's subgroup into B",
      method: "POST",
      path: `/api/v1/groups/${w.subA}/move`,
      body: { parentId: w.subB },
      bob: 404,
      bea: 403,
      ghost: { path: `/api/v1/groups/${ghostId()}/move`, body: { parentId: w.subB } },
    },
    {
      what: "moves B's own subgroup under A",
      method: "POST",
      path: `/api/v1/groups/${w.subB}/move`,
      body: { parentId: w.resellerA.id },
      bob: 400,
      bea: 403,
      ghost: { path: `/api/v1/groups/${w.subB}/move`, body: { parentId: ghostId() } },
    },
  ],

  // Users of A do not exist for B; plain users may not manage users at all.
  "POST /api/v1/users": (w) => [
    {
      what: "creates a user in A",
      method: "POST",
      path: "/api/v1/users",
      body: { email: "planted@partner.test", name: "Planted", groupId: w.resellerA.id, isAdmin: true },
      bob: 400,
      bea: 403,
      ghost: {
        path: "/api/v1/users",
        body: { email: "planted@partner.test", name: "Planted", groupId: ghostId(), isAdmin: true },
      },
    },
  ],
  "GET /api/v1/users": (w) => [
    {
      what: "lists users",
      method: "GET",
      path: "/api/v1/users?limit=200",
      bob: { status: 200, check: noneOf("usersA") },
      bea: 403,
    },
    {
      what: "lists the users of A's group",
      method: "GET",
      path: `/api/v1/users?groupId=${w.resellerA.id}`,
      bob: { status: 200, check: (body) => expect(body.data).toEqual([]) },
      bea: 403,
    },
  ],
  "GET /api/v1/users/me": () => [
    {
      what: "reads itself",
      method: "GET",
      path: "/api/v1/users/me",
      bob: { status: 200, check: isSelf },
      bea: { status: 200, check: isSelf },
    },
  ],
  "POST /api/v1/users/me/password": () => [
    {
      what: "changes its own password with a wrong current one",
      method: "POST",
      path: "/api/v1/users/me/password",
      body: { currentPassword: "not the password at all", newPassword: "another long password" },
      bob: 400,
      bea: 400,
    },
  ],
  "GET /api/v1/users/{id}": (w) =>
    [w.alice, w.ann].map((p) => ({
      what: `reads ${p === w.alice ? "A's admin" : "A's plain user"}`,
      method: "GET" as const,
      path: `/api/v1/users/${p.user.id}`,
      bob: 404,
      bea: 403,
      ghost: { path: `/api/v1/users/${ghostId()}` },
    })),
  "PATCH /api/v1/users/{id}": (w) => [
    {
      what: "renames and promotes A's plain user",
      method: "PATCH",
      path: `/api/v1/users/${w.ann.user.id}`,
      body: { name: "Owned", isAdmin: true },
      bob: 404,
      bea: 403,
      ghost: { path: `/api/v1/users/${ghostId()}`, body: { name: "Owned", isAdmin: true } },
    },
    {
      what: "demotes A's admin",
      method: "PATCH",
      path: `/api/v1/users/${w.alice.user.id}`,
      body: { isAdmin: false },
      bob: 404,
      bea: 403,
      ghost: { path: `/api/v1/users/${ghostId()}`, body: { isAdmin: false } },
    },
    {
      what: "moves B's plain user into A",
      method: "PATCH",
      path: `/api/v1/users/${w.bea.user.id}`,
      body: { groupId: w.resellerA.id },
      bob: 400,
      bea: 403,
      ghost: { path: `/api/v1/users/${w.bea.user.id}`, body: { groupId: ghostId() } },
    },
  ],
  "POST /api/v1/users/{id}/disable": (w) => [
    {
      what: "disables A's admin",
      method: "POST",
      path: `/api/v1/users/${w.alice.user.id}/disable`,
      bob: 404,
      bea: 403,
      ghost: { path: `/api/v1/users/${ghostId()}/disable` },
    },
  ],
  "POST /api/v1/users/{id}/enable": (w) => [
    {
      what: "enables A's plain user",
      method: "POST",
      path: `/api/v1/users/${w.ann.user.id}/enable`,
      bob: 404,
      bea: 403,
      ghost: { path: `/api/v1/users/${ghostId()}/enable` },
    },
  ],
  "GET /api/v1/users/{id}/grants": (w) => [
    {
      what: "reads the rights of A's admin",
      method: "GET",
      path: `/api/v1/users/${w.alice.user.id}/grants`,
      bob: 404,
      bea: 404,
      ghost: { path: `/api/v1/users/${ghostId()}/grants` },
    },
  ],
  "POST /api/v1/users/{id}/grants": (w) => [
    {
      what: "grants A's plain user a right B holds",
      method: "POST",
      path: `/api/v1/users/${w.ann.user.id}/grants`,
      body: { categoryId: w.partners, rights: ["create"] },
      bob: 404,
      bea: 403,
      ghost: {
        path: `/api/v1/users/${ghostId()}/grants`,
        body: { categoryId: w.partners, rights: ["create"] },
      },
    },
  ],
  "POST /api/v1/users/{id}/grants/revoke": (w) => [
    {
      what: "revokes the rights of A's admin",
      method: "POST",
      path: `/api/v1/users/${w.alice.user.id}/grants/revoke`,
      body: { categoryId: w.partners, rights: ["create", "modify", "revoke", "delete"] },
      bob: 404,
      bea: 403,
      ghost: {
        path: `/api/v1/users/${ghostId()}/grants/revoke`,
        body: { categoryId: w.partners, rights: ["create", "modify", "revoke", "delete"] },
      },
    },
  ],

  // Sessions: a sign-in is always the caller's own; an API key opens no session.
  "POST /api/v1/session": () => [
    {
      what: "signs in as itself",
      method: "POST",
      path: "/api/v1/session",
      body: (who: Attacker, w: World) => ({ email: w[who].user.email, password: PASSWORD }),
      bob: { status: 200, check: (body, w, who) => expect(body.user.id).toBe(w[who].user.id) },
      bea: { status: 200, check: (body, w, who) => expect(body.user.id).toBe(w[who].user.id) },
    },
  ],
  "GET /api/v1/session": () => [
    { what: "reads a session with an API key", method: "GET", path: "/api/v1/session", bob: 401, bea: 401 },
  ],
  "DELETE /api/v1/session": () => [
    { what: "ends a session with an API key", method: "DELETE", path: "/api/v1/session", bob: 401, bea: 401 },
  ],

  // Categories: B sees the one it holds rights on and changes none.
  "POST /api/v1/categories": () => [
    {
      what: "creates a category",
      method: "POST",
      path: "/api/v1/categories",
      body: { name: "Reseller's own" },
      bob: 403,
      bea: 403,
    },
  ],
  "GET /api/v1/categories": () => [
    {
      what: "lists categories",
      method: "GET",
      path: "/api/v1/categories",
      bob: { status: 200, check: onlyPartners },
      bea: { status: 200, check: onlyPartners },
    },
  ],
  "GET /api/v1/categories/{id}": (w) => [
    {
      what: "reads the category B holds rights on",
      method: "GET",
      path: `/api/v1/categories/${w.partners}`,
      bob: 200,
      bea: 200,
    },
    {
      what: "reads the internal staff's category",
      method: "GET",
      path: `/api/v1/categories/${w.internal}`,
      bob: 404,
      bea: 404,
      ghost: { path: `/api/v1/categories/${ghostId()}` },
    },
  ],
  "PATCH /api/v1/categories/{id}": (w) =>
    [w.partners, w.internal].map((id) => ({
      what: `renames the ${id === w.partners ? "partners'" : "internal staff's"} category`,
      method: "PATCH" as const,
      path: `/api/v1/categories/${id}`,
      body: { name: "Reseller's own" },
      bob: 403,
      bea: 403,
      ghost: { path: `/api/v1/categories/${ghostId()}`, body: { name: "Reseller's own" } },
    })),
  "DELETE /api/v1/categories/{id}": (w) => [
    {
      what: "deletes the partners' category",
      method: "DELETE",
      path: `/api/v1/categories/${w.partners}`,
      bob: 403,
      bea: 403,
      ghost: { path: `/api/v1/categories/${ghostId()}` },
    },
  ],
  "PUT /api/v1/categories/{id}/products/{code}": (w) => [
    {
      what: "widens the partners' seat bounds",
      method: "PUT",
      path: `/api/v1/categories/${w.partners}/products/${w.demo}`,
      body: { parameters: { seats: { mode: "flexible", min: 1, max: 100 } } },
      bob: 403,
      bea: 403,
    },
  ],
  "DELETE /api/v1/categories/{id}/products/{code}": (w) => [
    {
      what: "removes the demo product from the partners' category",
      method: "DELETE",
      path: `/api/v1/categories/${w.partners}/products/${w.demo}`,
      bob: 403,
      bea: 403,
    },
  ],

  // Data fields: everyone fills them in, only the vendor configures them.
  "GET /api/v1/data-fields": () => [
    { what: "lists data fields", method: "GET", path: "/api/v1/data-fields", bob: 200, bea: 200 },
  ],
  "POST /api/v1/data-fields": () => [
    {
      what: "creates a data field",
      method: "POST",
      path: "/api/v1/data-fields",
      body: { key: "resellerNote", label: "Reseller note", type: "text" },
      bob: 403,
      bea: 403,
    },
  ],
  "PATCH /api/v1/data-fields/{key}": () => [
    {
      what: "makes the ERP order number optional",
      method: "PATCH",
      path: "/api/v1/data-fields/erpOrderNumber",
      body: { required: false, label: "Anything" },
      bob: 403,
      bea: 403,
      ghost: { path: "/api/v1/data-fields/noSuchField", body: { required: false, label: "Anything" } },
    },
  ],
  "DELETE /api/v1/data-fields/{key}": () => [
    {
      what: "deletes the ERP order number field",
      method: "DELETE",
      path: "/api/v1/data-fields/erpOrderNumber",
      bob: 403,
      bea: 403,
      ghost: { path: "/api/v1/data-fields/noSuchField" },
    },
  ],

  // Subscriptions follow their order's visibility; reports are for admins, of their own subtree.
  "GET /api/v1/subscriptions": (w) =>
    ["", `?order=${w.orderS}`, `?license=${w.licS}`, `?group=${w.resellerA.id}`].map((q) => ({
      what: `lists subscriptions${q}`,
      method: "GET" as const,
      path: `/api/v1/subscriptions${q}`,
      bob: { status: 200, check: noneOf("subA") },
      bea: { status: 200, check: noneOf("subA") },
    })),
  "GET /api/v1/subscriptions/{id}": (w) => [
    {
      what: "reads A's subscription",
      method: "GET",
      path: `/api/v1/subscriptions/${w.subS}`,
      bob: 404,
      bea: 404,
      ghost: { path: `/api/v1/subscriptions/${ghostId()}` },
    },
  ],
  "POST /api/v1/subscriptions/{id}/cancel": (w) => [
    {
      what: "cancels A's subscription",
      method: "POST",
      path: `/api/v1/subscriptions/${w.subS}/cancel`,
      bob: 404,
      bea: 404,
      ghost: { path: `/api/v1/subscriptions/${ghostId()}/cancel` },
    },
  ],
  "POST /api/v1/subscriptions/{id}/withdraw-cancellation": (w) => [
    {
      what: "withdraws the cancellation of A's subscription",
      method: "POST",
      path: `/api/v1/subscriptions/${w.subS}/withdraw-cancellation`,
      bob: 404,
      bea: 404,
      ghost: { path: `/api/v1/subscriptions/${ghostId()}/withdraw-cancellation` },
    },
  ],
  "GET /api/v1/reports/subscriptions/active": (w) =>
    ["", `?group=${w.resellerA.id}`, "?format=csv"].map((q) => ({
      what: `reads the running subscriptions${q}`,
      method: "GET" as const,
      path: `/api/v1/reports/subscriptions/active${q}`,
      bob: 200,
      bea: 403,
    })),
  "GET /api/v1/reports/subscriptions/monthly": () =>
    ["", "?format=csv"].map((q) => ({
      what: `reads the month's subscription activity${q}`,
      method: "GET" as const,
      path: `/api/v1/reports/subscriptions/monthly${q}`,
      bob: 200,
      bea: 403,
    })),
  "POST /api/v1/jobs/{name}/run": () => [
    {
      what: "runs the renewals job",
      method: "POST",
      path: "/api/v1/jobs/renewals/run",
      bob: 403,
      bea: 403,
      ghost: { path: "/api/v1/jobs/no-such-job/run" },
    },
  ],
};

function notActivated(body: Json): void {
  expect(body).toMatchObject({ valid: false, code: "NOT_ACTIVATED" });
  expect(body).not.toHaveProperty("license");
}

function isSelf(body: Json, w: World, who: Attacker): void {
  expect(body.id).toBe(w[who].user.id);
}

/** B holds rights on the partners' categories, not on the internal staff's. */
function onlyPartners(body: Json, w: World): void {
  expect(body.data.map((c: { id: string }) => c.id).sort()).toEqual([w.partners, w.subscriptions].sort());
}

/** Whether a request's method and path are those of a route `METHOD /path/{param}`. */
function isRoute(route: string, method: string, path: string): boolean {
  const [m, template] = route.split(" ") as [string, string];
  const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
  return m === method && pattern.test(path.split("?")[0]!);
}

/** The routes of the OpenAPI document, as `METHOD /path/{param}`. */
function documentedRoutes(doc: { paths: Record<string, Record<string, unknown>> }): string[] {
  const methods = new Set(["get", "post", "put", "patch", "delete"]);
  return Object.entries(doc.paths)
    .flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => methods.has(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    )
    .sort();
}

describe.each(await dialects())("reseller isolation on %s", (dialect) => {
  let s: TestServer;
  let w: World;
  /** What Alice sees of her own things before B's attempts. */
  let ownerView: unknown;

  const ownersView = async () => {
    const a = w.alice.api;
    const paths = [
      `/api/v1/orders/${w.orderA.id}`,
      `/api/v1/licenses/${w.licA1}`,
      `/api/v1/licenses/${w.licA2}`,
      `/api/v1/groups/${w.subA}`,
      `/api/v1/groups/${w.emptyA}`,
      `/api/v1/users/${w.alice.user.id}`,
      `/api/v1/users/${w.ann.user.id}`,
      `/api/v1/users/${w.alice.user.id}/grants`,
      `/api/v1/users/${w.ann.user.id}/grants`,
      "/api/v1/api-keys",
      `/api/v1/tickets/${w.orderA.ticket}`,
      `/api/v1/orders/${w.orderS}`,
      `/api/v1/subscriptions/${w.subS}`,
      "/api/v1/reports/subscriptions/active",
    ];
    const answers = await Promise.all(paths.map((p) => a.get(p)));
    for (const [i, r] of answers.entries()) expect(r.status, paths[i]).toBe(200);
    return answers.map((r) => r.body);
  };

  /**
   * Every row of every table that is not B's own, per table: B's groups and users, and rows that
   * point at them or at B's orders, licenses or subscriptions, may change (a sign-in, a key of
   * its own); nothing else may. Logs and counters are left out: the audit log, idempotency
   * records, rate-limit counters, job bookkeeping and the migrations.
   */
  const snapshot = async () => {
    const db = s.rt.handle.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
    const read = (table: string) => db.selectFrom(table).selectAll().execute();
    const tables = (await db.introspection.getTables())
      .map((t) => t.name)
      .filter((t) => !SNAPSHOT_SKIPS.has(t) && !t.startsWith("kysely_"));
    const groups = await read("groups");
    const b = {
      group_id: new Set(groups.filter((g) => String(g.path).startsWith(w.resellerB.path)).map((g) => g.id)),
      user_id: new Set<unknown>(),
      order_id: new Set<unknown>(),
      license_id: new Set<unknown>(),
      subscription_id: new Set<unknown>(),
    };
    const owned = (table: string, row: Record<string, unknown>) =>
      (table === "groups" && b.group_id.has(row.id)) ||
      (table === "users" && b.user_id.has(row.id)) ||
      Object.entries(b).some(([column, ids]) => ids.has(row[column]));
    for (const [table, column] of [
      ["users", "user_id"],
      ["orders", "order_id"],
      ["licenses", "license_id"],
      ["subscriptions", "subscription_id"],
    ] as const)
      if (tables.includes(table))
        for (const row of await read(table)) if (owned(table, row)) b[column].add(row.id);
    const picture: Record<string, string[]> = {};
    for (const table of tables)
      picture[table] = (await read(table))
        .filter((row) => !owned(table, row))
        .map((row) => JSON.stringify(row))
        .sort();
    return picture;
  };

  /** Strings of A's that no answer to B may carry, unless B itself sent them. */
  const secretsOfA = () => [
    w.orderA.id,
    w.orderA.ticket,
    w.orderA.ticket.replaceAll("-", ""),
    w.licA1,
    w.licA2,
    w.actA,
    w.fileA,
    w.keyA,
    w.alice.user.id,
    w.alice.user.email,
    w.ann.user.id,
    w.ann.user.email,
    w.resellerA.id,
    w.subA,
    w.emptyA,
    w.internal,
    w.orderS,
    w.licS,
    w.subS,
    "Reseller A",
    "A's sub-reseller",
    "Acme Customer A",
    "customer-a@example.test",
  ];

  beforeAll(async () => {
    s = await startTestServer(dialect);
    const v = s.api;
    const demo = (
      await createProduct(v, {
        name: "Demo",
        parameters: [
          { key: "expiresAt", label: "Expiry", type: "date", binding: "order", default: "P30D" },
          { key: "seats", label: "Seats", type: "number", binding: "order", default: 1, min: 1, max: 100 },
        ],
      })
    ).code;
    const partners = await createCategory(v, "Partners", {
      [demo]: { expiresAt: { mode: "fixed", value: "P30D" }, seats: { mode: "flexible", min: 1, max: 5 } },
    });
    const internal = await createCategory(v, "Internal staff", {
      [demo]: { expiresAt: { mode: "flexible", input: "select", options: ["P5D", "P30D", "P60D", "P90D"] } },
    });
    const field = await v.post("/api/v1/data-fields", {
      key: "erpOrderNumber",
      label: "ERP order number",
      type: "text",
      unique: true,
      pattern: "SO-[0-9]+",
    });
    expect(field.status, JSON.stringify(field.body)).toBe(201);
    const subscriptions = await createCategory(v, "Partner subscriptions");
    const put = await v.request("PUT", `/api/v1/categories/${subscriptions.id}/products/${demo}`, {
      parameters: { seats: { mode: "flexible", min: 1, max: 5 } },
      subscription: { type: "license", cancellationPeriod: "P1M", firstEnd: { mode: "fixed", value: "P1Y" } },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const resellerA = await createGroup(v, "Reseller A");
    const subA = await createGroup(v, "A's sub-reseller", resellerA.id);
    const emptyA = await createGroup(v, "A's empty subgroup", resellerA.id);
    const resellerB = await createGroup(v, "Reseller B");
    const subB = await createGroup(v, "B's sub-reseller", resellerB.id);
    const alice = await createUser(v, resellerA.id, { isAdmin: true, name: "Alice" });
    const ann = await createUser(v, resellerA.id, { name: "Ann" });
    const bob = await createUser(v, resellerB.id, { isAdmin: true, name: "Bob" });
    const bea = await createUser(v, resellerB.id, { name: "Bea" });
    const all = ["create", "modify", "revoke", "delete"];
    await grant(v, alice.user.id, partners.id, all);
    await grant(alice.api, ann.user.id, partners.id, ["create"]);
    await grant(v, bob.user.id, partners.id, all);
    await grant(bob.api, bea.user.id, partners.id, ["create"]);
    for (const who of [alice, bob]) await grant(v, who.user.id, subscriptions.id, all);
    await grant(bob.api, bea.user.id, subscriptions.id, ["create", "revoke"]);

    const orderARequest = {
      category: partners.id,
      externalOrderNumber: "EXT-A-1",
      customer: { name: "Acme Customer A", email: "customer-a@example.test" },
      items: [{ product: demo, quantity: 2, parameters: { seats: 2 } }],
      dataFields: { erpOrderNumber: "SO-1001" },
    };
    const orderA = await alice.api.post("/api/v1/orders", orderARequest, {
      "idempotency-key": ORDER_A_IDEMPOTENCY_KEY,
    });
    expect(orderA.status, JSON.stringify(orderA.body)).toBe(201);
    const [licA1, licA2] = orderA.body.licenses.map((l: { id: string }) => l.id);
    const actA = await activate(s.api, orderA.body.ticket, licA1, "customer-a-device-1");
    expect(actA.status, JSON.stringify(actA.body)).toBe(201);

    const orderS = await alice.api.post("/api/v1/orders", {
      category: subscriptions.id,
      customer: orderARequest.customer,
      items: [{ product: demo }],
    });
    expect(orderS.status, JSON.stringify(orderS.body)).toBe(201);
    const licS = orderS.body.licenses[0].id as string;
    const subS = await alice.api.get(`/api/v1/subscriptions?license=${licS}`);
    expect(subS.body.data, JSON.stringify(subS.body)).toHaveLength(1);
    const orderBS = await bob.api.post("/api/v1/orders", {
      category: subscriptions.id,
      items: [{ product: demo }],
    });
    expect(orderBS.status, JSON.stringify(orderBS.body)).toBe(201);

    const orderB = await bob.api.post("/api/v1/orders", {
      category: partners.id,
      items: [{ product: demo }],
      dataFields: { erpOrderNumber: "SO-2001" },
    });
    expect(orderB.status, JSON.stringify(orderB.body)).toBe(201);
    const actB = await activate(s.api, orderB.body.ticket, orderB.body.licenses[0].id, "bobs-own-device-1");
    expect(actB.status, JSON.stringify(actB.body)).toBe(201);

    const keys = await alice.api.get("/api/v1/api-keys");
    const kid = (await v.get("/api/v1/signing-keys")).body.data.find(
      (k: { status: string }) => k.status === "signing",
    ).kid;
    w = {
      demo,
      partners: partners.id,
      subscriptions: subscriptions.id,
      internal: internal.id,
      resellerA,
      subA: subA.id,
      emptyA: emptyA.id,
      resellerB,
      subB: subB.id,
      alice,
      ann,
      bob,
      bea,
      orderARequest,
      orderA: { id: orderA.body.id, ticket: orderA.body.ticket },
      licA1,
      licA2,
      actA: actA.body.activation.id,
      fileA: actA.body.licenseFile,
      keyA: keys.body.data.find((k: { userId: string }) => k.userId === alice.user.id).id,
      orderS: orderS.body.id,
      licS,
      subS: subS.body.data[0].id,
      ticketB: orderB.body.ticket,
      fileB: actB.body.licenseFile,
      kid,
    };
    ownerView = await ownersView();
  });
  afterAll(() => s?.close());

  it("has an expectation for every route of the OpenAPI document, and none for a route it lacks", async () => {
    const doc = await s.api.as(null).get("/openapi.json");
    expect(doc.status).toBe(200);
    const documented = documentedRoutes(doc.body);
    const listed = Object.keys(EXPECTATIONS);
    expect({
      "documented routes without an entry in EXPECTATIONS": documented.filter((r) => !listed.includes(r)),
      "entries of EXPECTATIONS for routes that are not documented": listed.filter(
        (r) => !documented.includes(r),
      ),
    }).toEqual({
      "documented routes without an entry in EXPECTATIONS": [],
      "entries of EXPECTATIONS for routes that are not documented": [],
    });
  });

  it.each(Object.keys(EXPECTATIONS))("%s: B gets nothing of A's and changes nothing", async (route) => {
    const cases = EXPECTATIONS[route]!(w);
    expect(cases.length).toBeGreaterThan(0);
    const before = await snapshot();
    for (const c of cases) {
      expect(isRoute(route, c.method, c.path), `${c.what}: ${c.method} ${c.path} is not ${route}`).toBe(true);
      for (const who of ["bob", "bea"] as const) {
        const label = `${who} ${c.what}`;
        const body = typeof c.body === "function" ? c.body(who, w) : c.body;
        const res: ApiResponse = await w[who].api.request(c.method, c.path, body, c.headers);
        const expected = c[who];
        const status = typeof expected === "number" ? expected : expected.status;
        expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(status);
        if (typeof expected !== "number") expected.check(res.body, w, who);
        const sent = `${c.path} ${JSON.stringify(body ?? null)}`;
        const answer = JSON.stringify(res.body ?? null);
        const leaked = secretsOfA().filter((x) => answer.includes(x) && !sent.includes(x));
        expect(leaked, `${label}: the answer carries A's data: ${answer}`).toEqual([]);
        if (c.ghost) {
          const ghost = await w[who].api.request(c.method, c.ghost.path, c.ghost.body);
          expect(ghost.status, `${label}: a ghost answers ${JSON.stringify(ghost.body)}`).toBe(res.status);
          if (c.ghost.sameCode !== false)
            expect(ghost.body?.error?.code, `${label}: a ghost's error code`).toBe(res.body?.error?.code);
        }
      }
    }
    expect(await snapshot(), `${route} changed something outside B`).toEqual(before);
  });

  it("leaves A's orders, licenses, groups, users, grants and keys as A sees them", async () => {
    expect(await ownersView()).toEqual(ownerView);
  });
});
