import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrder, createProduct } from "./support/factories.ts";
import {
  ApiClient,
  type ApiResponse,
  createTestDatabase,
  type Dialect,
  dialects,
  type TestDatabase,
} from "./support/harness.ts";
import { licentraEnv, type ServerProcess, startServerProcess } from "./support/processes.ts";

const DIALECTS = await dialects();
/** Starting server processes takes seconds of CPU each; on a busy machine, many more. */
const START_TIMEOUT = 300_000;

/** Sends `n` requests at once, the i-th through `clients[i % clients.length]`. */
function burst<T>(clients: ApiClient[], n: number, send: (api: ApiClient, i: number) => Promise<T>) {
  return Promise.all(Array.from({ length: n }, (_, i) => send(clients[i % clients.length]!, i)));
}

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of items) out[key(t)] = (out[key(t)] ?? 0) + 1;
  return out;
}

const outcome = (r: ApiResponse) => `${r.status} ${r.body?.error?.code ?? ""}`.trim();

describe.each(DIALECTS)("concurrency on %s", (dialect: Dialect) => {
  let db: TestDatabase;
  const servers: ServerProcess[] = [];
  /** The ISV admin, once per server process. */
  let admins: ApiClient[];
  /** Anonymous clients (activation API), once per server process. */
  let devices: ApiClient[];
  let product: { code: number };

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    const env = licentraEnv(db);
    servers.push(await startServerProcess(env));
    const adminKey = servers[0]!.printedApiKey();
    expect(adminKey, servers[0]!.output()).not.toBeNull();
    // PostgreSQL is the scale-out setup: a second process shares the database.
    if (dialect === "postgres") servers.push(await startServerProcess(env));
    admins = servers.map((s) => new ApiClient(s.url, adminKey));
    devices = servers.map((s) => new ApiClient(s.url, null));
    product = await createProduct(admins[0]!);
  }, START_TIMEOUT);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.drop();
  });

  it(`gives exactly 10 of 100 devices activating a 10-seat license at once a seat (${dialect === "postgres" ? "two server processes" : "one server process"})`, async () => {
    const order = await createOrder(admins[0]!, product.code, { seats: 10 });
    const license = order.licenses[0];
    expect(license.seats).toBe(10);

    const answers = await burst(devices, 100, (api, i) =>
      api.post("/api/v1/activations", {
        ticket: order.ticket,
        license: license.id,
        fingerprint: `device-${String(i).padStart(4, "0")}-fingerprint`,
        deviceName: `machine ${i}`,
      }),
    );

    expect(countBy(answers, outcome)).toEqual({ "201": 10, "409 NO_SEATS_AVAILABLE": 90 });
    const granted = answers.filter((a) => a.status === 201);
    expect(new Set(granted.map((a) => a.body.activation.id)).size).toBe(10);
    for (const api of admins) {
      const after = await api.get(`/api/v1/licenses/${license.id}`);
      expect(after.status).toBe(200);
      expect(after.body.activeSeats).toBe(10);
      expect(after.body.activations.filter((a: { status: string }) => a.status === "active")).toHaveLength(
        10,
      );
    }
  });

  it("gives a device that activates 20 times at once one activation, answering the 19 repeats with it", async () => {
    const order = await createOrder(admins[0]!, product.code);
    const license = order.licenses[0];
    expect(license.seats).toBe(1);

    const answers = await burst(devices, 20, (api) =>
      api.post("/api/v1/activations", {
        ticket: order.ticket,
        license: license.id,
        fingerprint: "the-one-device-fingerprint",
        deviceName: "workstation",
      }),
    );

    expect(countBy(answers, outcome)).toEqual({ "201": 1, "200": 19 });
    expect(new Set(answers.map((a) => a.body.activation.id)).size).toBe(1);
    const after = await admins[0]!.get(`/api/v1/licenses/${license.id}`);
    expect(after.body.activeSeats).toBe(1);
    expect(after.body.activations).toHaveLength(1);
  });

  it("creates one order for 10 concurrent requests with the same externalOrderNumber", async () => {
    const body = {
      externalOrderNumber: `ERP-${dialect}-4711`,
      customer: { name: "Ada Lovelace", company: "Analytical Engines" },
      items: [{ product: product.code, quantity: 2 }],
    };

    const answers = await burst(admins, 10, (api) => api.post("/api/v1/orders", body));

    expect(countBy(answers, outcome)).toEqual({ "201": 1, "200": 9 });
    const created = answers.find((a) => a.status === 201)!.body;
    for (const a of answers) expect(a.body).toEqual(created);
    const listed = await admins[0]!.get(`/api/v1/orders?externalOrderNumber=${body.externalOrderNumber}`);
    expect(listed.body.data.map((o: { id: string }) => o.id)).toEqual([created.id]);
    expect(listed.body.data[0].licenses).toHaveLength(2);
  });

  it("creates one order for 10 concurrent requests with the same Idempotency-Key", async () => {
    const customer = `Idempotent Customer ${dialect}`;
    const send = (api: ApiClient) =>
      api.post(
        "/api/v1/orders",
        { customer: { name: customer }, items: [{ product: product.code }] },
        { "idempotency-key": `order-${dialect}-0001` },
      );

    const answers = await burst(admins, 10, send);

    // One request runs; each other one either waits its turn (409 IDEMPOTENCY_IN_PROGRESS, retry
    // later) or gets the first one's answer replayed.
    const first = answers.filter((a) => a.status === 201 && a.headers.get("idempotent-replayed") !== "true");
    expect(first).toHaveLength(1);
    const orderId = first[0]!.body.id;
    for (const a of answers) {
      if (a.status === 201) expect(a.body.id).toBe(orderId);
      else expect(outcome(a)).toBe("409 IDEMPOTENCY_IN_PROGRESS");
    }
    const retried = await burst(admins, 4, send);
    for (const r of retried) {
      expect(r.status).toBe(201);
      expect(r.headers.get("idempotent-replayed")).toBe("true");
      expect(r.body.id).toBe(orderId);
    }
    const listed = await admins[0]!.get(`/api/v1/orders?customer=${encodeURIComponent(customer)}`);
    expect(listed.body.data.map((o: { id: string }) => o.id)).toEqual([orderId]);
  });
});

describe.runIf(DIALECTS.includes("postgres"))("start-up on PostgreSQL", () => {
  it(
    "brings up two server processes started at once on one empty database, with one ISV admin and one signing key",
    async () => {
      const db = await createTestDatabase("postgres");
      const servers: ServerProcess[] = [];
      try {
        const env = licentraEnv(db);
        const started = await Promise.allSettled([
          startServerProcess(env, { simultaneous: true }),
          startServerProcess(env, { simultaneous: true }),
        ]);
        for (const s of started) if (s.status === "fulfilled") servers.push(s.value);
        expect(
          started
            .filter((s) => s.status === "rejected")
            .map((s) => String((s as PromiseRejectedResult).reason)),
        ).toEqual([]);

        // Exactly one of them initialized the database and printed the first API key.
        const keys = servers.map((s) => s.printedApiKey()).filter((k) => k !== null);
        expect(keys).toHaveLength(1);
        const client = new pg.Client({ connectionString: db.databaseUrl! });
        await client.connect();
        try {
          const count = async (q: string) => Number((await client.query(q)).rows[0].n);
          expect(await count("select count(*) as n from groups where parent_id is null")).toBe(1);
          expect(await count("select count(*) as n from users where is_admin = 1")).toBe(1);
          expect(await count("select count(*) as n from api_keys")).toBe(1);
          expect(await count("select count(*) as n from signing_keys")).toBe(1);
        } finally {
          await client.end();
        }
        // Both serve, with the same signing key, and accept the one API key.
        const jwks = await Promise.all(
          servers.map((s) => new ApiClient(s.url, null).get("/.well-known/jwks.json")),
        );
        expect(jwks[0]!.body.keys).toHaveLength(1);
        expect(jwks[1]!.body).toEqual(jwks[0]!.body);
        for (const s of servers)
          expect((await new ApiClient(s.url, keys[0]!).get("/api/v1/orders")).status).toBe(200);
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
        await db.drop();
      }
    },
    START_TIMEOUT,
  );
});
