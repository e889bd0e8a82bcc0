import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOutboxEventsOf } from "../../src/store/outbox.store.ts";
import {
  activate,
  createCategory,
  createGroup,
  createProduct,
  createUser,
  grant,
} from "../support/factories.ts";
import { type ApiClient, dialects, startTestServer, type TestServer } from "../support/harness.ts";
import { startTestSmtp, type TestSmtp } from "../support/smtp.ts";

const FP = "subscription-device-0001";
const DAY = 86_400_000;

type Actor = { user: { id: string; email: string }; api: ApiClient };

/** Claims of a license file (not verified: the activation tests do that). */
function claims(file: string) {
  return JSON.parse(Buffer.from(file.split(".")[1]!, "base64url").toString());
}

/**
 * Subscriptions through the REST API (DESIGN §2.6), with time travel: the test clock moves the
 * server's days and `POST /api/v1/jobs/renewals/run` runs the renewal job as `serve` would.
 */
describe.each(await dialects())("subscriptions on %s", (dialect) => {
  let s: TestServer;
  let smtp: TestSmtp;
  let product: number;
  let maintenanceProduct: number;
  let subs: { id: string };
  let maintenance: { id: string };
  let resellerA: { id: string };
  let subA: { id: string };
  let resellerB: { id: string };
  let alice: Actor;
  let carol: Actor;
  let dave: Actor;
  let bob: Actor;
  let n = 0;

  const runJob = async () => {
    const res = await s.api.post("/api/v1/jobs/renewals/run");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.renewals as { renewed: number; terms: number; ended: number; reminded: number };
  };

  /** An order of one subscription license through the category, as `who`; returns order and subscription. */
  const subscribe = async (who: ApiClient, extra: Record<string, unknown> = {}, parameters = {}) => {
    const customer = `customer-${++n}-${dialect}@example.com`;
    const order = await who.post("/api/v1/orders", {
      category: subs.id,
      customer: { name: `Customer ${n}`, email: customer, company: `Company ${n}` },
      items: [{ product, parameters }],
      ...extra,
    });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    const license = order.body.licenses[0];
    const list = await who.get(`/api/v1/subscriptions?license=${license.id}`);
    expect(list.body.data).toHaveLength(1);
    return { order: order.body, license, sub: list.body.data[0], customer };
  };

  const sub = async (id: string, who: ApiClient = s.api) => {
    const res = await who.get(`/api/v1/subscriptions/${id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  const validate = async (license: string, extra: Record<string, unknown> = {}) =>
    (await s.api.as(null).post("/api/v1/validate", { license, fingerprint: FP, ...extra })).body;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    s = await startTestServer(dialect, { SMTP_URL: smtp.url, SUBSCRIPTION_NOTICE_LEAD: "P14D" });
    s.clock.set("2026-01-15T09:00:00Z");
    product = (await createProduct(s.api, { name: "Cloud Studio" })).code;
    maintenanceProduct = (await createProduct(s.api, { name: "Desk Studio" })).code;
    subs = await createCategory(s.api, "Subscriptions");
    const put = await s.api.request("PUT", `/api/v1/categories/${subs.id}/products/${product}`, {
      parameters: { seats: { mode: "flexible", min: 1, max: 10 } },
      subscription: {
        type: "license",
        cancellationPeriod: "P3M",
        firstEnd: { mode: "flexible", min: "P1Y", max: "P3Y" },
        alignTo: "month",
        renewalTerm: "P1Y",
      },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.products[0].subscription).toMatchObject({ type: "license", cancellationPeriod: "P3M" });
    maintenance = await createCategory(s.api, "Maintenance");
    const putM = await s.api.request(
      "PUT",
      `/api/v1/categories/${maintenance.id}/products/${maintenanceProduct}`,
      {
        parameters: { expiresAt: { mode: "fixed", value: null } },
        subscription: {
          type: "maintenance",
          cancellationPeriod: "P1M",
          firstEnd: { mode: "fixed", value: "P1Y" },
        },
      },
    );
    expect(putM.status, JSON.stringify(putM.body)).toBe(200);
    resellerA = await createGroup(s.api, "Reseller A");
    subA = await createGroup(s.api, "Reseller A, Munich", resellerA.id);
    resellerB = await createGroup(s.api, "Reseller B");
    alice = await createUser(s.api, resellerA.id, { isAdmin: true, name: "Alice" });
    carol = await createUser(s.api, subA.id, { name: "Carol" });
    dave = await createUser(s.api, subA.id, { name: "Dave" });
    bob = await createUser(s.api, resellerB.id, { isAdmin: true, name: "Bob" });
    await grant(s.api, alice.user.id, subs.id, ["create", "revoke"]);
    await grant(s.api, carol.user.id, subs.id, ["create"]);
    await grant(s.api, dave.user.id, subs.id, ["create", "revoke"]);
    await grant(s.api, bob.user.id, subs.id, ["create", "revoke"]);
  });
  afterAll(async () => {
    await s?.close();
    await smtp?.close();
  });

  it("checks the subscription configuration of a category product", async () => {
    const bad = await s.api.request("PUT", `/api/v1/categories/${subs.id}/products/${product}`, {
      parameters: { expiresAt: { mode: "fixed", value: "P1Y" } },
      subscription: { type: "license", cancellationPeriod: "P2Y", firstEnd: { mode: "fixed", value: "P1Y" } },
    });
    expect(bad.status).toBe(400);
    const fields = bad.body.error.details.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(
      expect.arrayContaining(["parameters.expiresAt", "subscription.cancellationPeriod"]),
    );
    const noParameter = (
      await createProduct(s.api, {
        parameters: [{ key: "expiresAt", label: "Expiry", type: "date", binding: "static", default: "P1Y" }],
      })
    ).code;
    const wrong = await s.api.request("PUT", `/api/v1/categories/${subs.id}/products/${noParameter}`, {
      parameters: {},
      subscription: { type: "license", cancellationPeriod: "P1M", firstEnd: { mode: "fixed", value: "P1Y" } },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/drives expiresAt, which must be an order-specific parameter/);
    const schema = await s.api.request("PUT", `/api/v1/categories/${subs.id}/products/${product}`, {
      parameters: {},
      subscription: {
        type: "license",
        cancellationPeriod: "3 months",
        firstEnd: { mode: "fixed", value: "P1Y" },
      },
    });
    expect(schema.status).toBe(400);
  });

  it("creates a subscription per license with its first term, and checks the first end date", async () => {
    s.clock.set("2026-01-15T09:00:00Z");
    const order = await alice.api.post("/api/v1/orders", {
      category: subs.id,
      items: [{ product, quantity: 2, parameters: { expiresAt: "P2Y" } }],
    });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    expect(order.body.licenses.map((l: { expiresAt: string }) => l.expiresAt)).toEqual([
      "2028-01-31",
      "2028-01-31",
    ]);
    const list = await alice.api.get(`/api/v1/subscriptions?order=${order.body.id}`);
    expect(list.body.data).toHaveLength(2);
    const one = await sub(list.body.data[0].id, alice.api);
    expect(one).toMatchObject({
      status: "active",
      type: "license",
      term: 1,
      startDate: "2026-01-15",
      endDate: "2028-01-31",
      cancellationDeadline: "2027-10-31",
      cancellationPeriod: "P3M",
      renewalTerm: "P1Y",
      alignTo: "month",
      groupId: resellerA.id,
      terms: [
        { term: 1, kind: "initial", startDate: "2026-01-15", endDate: "2028-01-31", licenseVersion: 1 },
      ],
    });
    for (const [value, message] of [
      ["P6M", /outside this category's first end range P1Y .. P3Y/],
      ["2027-03-15", /not the end of a month/],
      ["P4Y", /outside/],
    ] as const) {
      const res = await alice.api.post("/api/v1/orders", {
        category: subs.id,
        items: [{ product, parameters: { expiresAt: value } }],
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    const id = order.body.licenses[0].id;
    const modify = await s.api.patch(`/api/v1/licenses/${id}`, { parameters: { expiresAt: "2030-01-31" } });
    expect(modify.status).toBe(400);
    expect(modify.body.error.message).toMatch(/driven by the license's subscription/);
  });

  it("renews when the deadline passes: new end date, version + 1, extended file on refresh only after", async () => {
    s.clock.set("2026-02-10T09:00:00Z");
    const { order, license, sub: created } = await subscribe(alice.api);
    expect(created).toMatchObject({ endDate: "2027-02-28", cancellationDeadline: "2026-11-28" });
    const act = await activate(s.api, order.ticket, license.id, FP);
    expect(act.status).toBe(201);
    const refresh = async () => {
      const r = await s.api
        .as(null)
        .post(`/api/v1/activations/${act.body.activation.id}/refresh`, { ticket: order.ticket });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return claims(r.body.licenseFile);
    };

    s.clock.set("2026-11-28T23:59:00Z");
    await runJob();
    expect(await refresh()).toMatchObject({ expiresAt: "2027-02-28", version: 1 });
    expect((await sub(created.id)).term).toBe(1);

    s.clock.set("2026-11-29T00:01:00Z");
    const first = await runJob();
    expect(first.terms).toBeGreaterThanOrEqual(1);
    const renewed = await sub(created.id);
    expect(renewed).toMatchObject({
      status: "active",
      term: 2,
      endDate: "2028-02-29",
      cancellationDeadline: "2027-11-29",
    });
    expect(renewed.terms[1]).toMatchObject({
      term: 2,
      kind: "renewal",
      startDate: "2027-03-01",
      endDate: "2028-02-29",
      effectiveDay: "2026-11-29",
      licenseVersion: 2,
    });
    expect((await s.api.get(`/api/v1/licenses/${license.id}`)).body).toMatchObject({
      expiresAt: "2028-02-29",
      version: 2,
    });
    expect(await refresh()).toMatchObject({ expiresAt: "2028-02-29", version: 2 });

    const again = await runJob();
    expect(again).toMatchObject({ renewed: 0, terms: 0, ended: 0 });
    expect((await sub(created.id)).terms).toHaveLength(2);
    expect((await s.api.get(`/api/v1/licenses/${license.id}`)).body.version).toBe(2);
  });

  it("ends a subscription cancelled before its deadline on its end date: EXPIRED after", async () => {
    s.clock.set("2027-01-10T09:00:00Z");
    const { order, license, sub: created } = await subscribe(alice.api, {}, { expiresAt: "P1Y" });
    expect(created).toMatchObject({ endDate: "2028-01-31", cancellationDeadline: "2027-10-31" });
    expect((await activate(s.api, order.ticket, license.id, FP)).status).toBe(201);

    s.clock.set("2027-10-31T20:00:00Z");
    const cancelled = await alice.api.post(`/api/v1/subscriptions/${created.id}/cancel`);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "cancelled", endDate: "2028-01-31", term: 1 });
    expect((await alice.api.post(`/api/v1/subscriptions/${created.id}/cancel`)).body.status).toBe(
      "cancelled",
    );

    s.clock.set("2027-11-01T09:00:00Z");
    await runJob();
    expect(await sub(created.id)).toMatchObject({ status: "cancelled", term: 1, endDate: "2028-01-31" });

    s.clock.set("2028-01-31T23:00:00Z");
    expect((await validate(license.id)).code).toBe("VALID");
    await runJob();
    expect((await sub(created.id)).status).toBe("cancelled");

    s.clock.set("2028-02-01T00:30:00Z");
    expect((await validate(license.id)).code).toBe("EXPIRED");
    const ran = await runJob();
    expect(ran.ended).toBeGreaterThanOrEqual(1);
    expect(await sub(created.id)).toMatchObject({ status: "ended", endReason: "cancelled", term: 1 });
    const late = await alice.api.post(`/api/v1/subscriptions/${created.id}/cancel`);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("SUBSCRIPTION_ENDED");
  });

  it("withdraws a cancellation until the deadline, and not after", async () => {
    s.clock.set("2028-03-05T09:00:00Z");
    const { sub: created } = await subscribe(alice.api, {}, { expiresAt: "P1Y" });
    expect(created).toMatchObject({ endDate: "2029-03-31", cancellationDeadline: "2028-12-31" });
    const notCancelled = await alice.api.post(`/api/v1/subscriptions/${created.id}/withdraw-cancellation`);
    expect(notCancelled.body.error.code).toBe("SUBSCRIPTION_NOT_CANCELLED");
    await alice.api.post(`/api/v1/subscriptions/${created.id}/cancel`);
    s.clock.set("2028-12-31T23:30:00Z");
    const withdrawn = await alice.api.post(`/api/v1/subscriptions/${created.id}/withdraw-cancellation`);
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: "active", cancelledAt: null });
    s.clock.set("2029-01-01T08:00:00Z");
    await runJob();
    expect(await sub(created.id)).toMatchObject({ status: "active", term: 2, endDate: "2030-03-31" });

    const { sub: other } = await subscribe(alice.api, {}, { expiresAt: "P1Y" });
    await alice.api.post(`/api/v1/subscriptions/${other.id}/cancel`);
    s.clock.set("2029-11-01T08:00:00Z");
    const tooLate = await alice.api.post(`/api/v1/subscriptions/${other.id}/withdraw-cancellation`);
    expect(tooLate.status).toBe(409);
    expect(tooLate.body.error.code).toBe("CANCELLATION_DEADLINE_PASSED");
  });

  it("applies a cancellation after the deadline to the new term", async () => {
    s.clock.set("2030-01-20T09:00:00Z");
    const { license, sub: created } = await subscribe(alice.api, {}, { expiresAt: "P1Y" });
    expect(created).toMatchObject({ endDate: "2031-01-31", cancellationDeadline: "2030-10-31" });
    // The deadline has passed but no job has run yet: the cancellation renews first.
    s.clock.set("2030-11-02T09:00:00Z");
    const cancelled = await alice.api.post(`/api/v1/subscriptions/${created.id}/cancel`);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "cancelled", term: 2, endDate: "2032-01-31" });
    expect((await s.api.get(`/api/v1/licenses/${license.id}`)).body).toMatchObject({
      expiresAt: "2032-01-31",
      version: 2,
    });
    await runJob();
    expect((await sub(created.id)).terms).toHaveLength(2);
    s.clock.set("2032-02-01T09:00:00Z");
    await runJob();
    expect(await sub(created.id)).toMatchObject({ status: "ended", term: 2 });
  });

  it("catches up after downtime: each missed term once, in order, and a second run changes nothing", async () => {
    s.clock.set("2033-04-10T09:00:00Z");
    const { license, sub: created } = await subscribe(alice.api, {}, { expiresAt: "P1Y" });
    expect(created).toMatchObject({ endDate: "2034-04-30", cancellationDeadline: "2034-01-30" });
    // Off across two deadlines (2034-01-30 and 2035-01-30).
    s.clock.set("2035-03-01T09:00:00Z");
    await runJob();
    const after = await sub(created.id);
    expect(
      after.terms.map(
        (t: { term: number; effectiveDay: string; endDate: string; licenseVersion: number }) => [
          t.term,
          t.effectiveDay,
          t.endDate,
          t.licenseVersion,
        ],
      ),
    ).toEqual([
      [1, "2033-04-10", "2034-04-30", 1],
      [2, "2034-01-31", "2035-04-30", 2],
      [3, "2035-01-31", "2036-04-30", 3],
    ]);
    expect((await s.api.get(`/api/v1/licenses/${license.id}`)).body).toMatchObject({
      expiresAt: "2036-04-30",
      version: 3,
    });
    const events = await findOutboxEventsOf(s.rt.handle.db, "subscription", created.id);
    expect(events.map((e) => [e.type, JSON.parse(e.payload).term])).toEqual([
      ["subscription.created", 1],
      ["subscription.renewed", 2],
      ["subscription.renewed", 3],
    ]);
    expect(await runJob()).toMatchObject({ renewed: 0, terms: 0, ended: 0 });
    expect((await sub(created.id)).terms).toHaveLength(3);
  });

  it("drives maintenanceUntil for a maintenance subscription: newer builds are not covered after its end", async () => {
    s.clock.set("2036-06-01T09:00:00Z");
    const order = await s.api.post("/api/v1/orders", {
      category: maintenance.id,
      items: [{ product: maintenanceProduct }],
    });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    const license = order.body.licenses[0];
    expect(license).toMatchObject({ maintenanceUntil: "2037-06-01", expiresAt: null });
    expect((await activate(s.api, order.body.ticket, license.id, FP)).status).toBe(201);
    const created = (await s.api.get(`/api/v1/subscriptions?license=${license.id}`)).body.data[0];
    expect(created).toMatchObject({ type: "maintenance", cancellationDeadline: "2037-05-01" });
    await s.api.post(`/api/v1/subscriptions/${created.id}/cancel`);
    s.clock.set("2037-07-01T09:00:00Z");
    await runJob();
    expect((await validate(license.id, { buildDate: "2037-05-20" })).code).toBe("VALID");
    expect((await validate(license.id, { buildDate: "2037-06-02" })).code).toBe("MAINTENANCE_EXPIRED");
    expect((await sub(created.id)).status).toBe("ended");
  });

  it("lets only holders of the revoke right within their visibility cancel", async () => {
    s.clock.set("2038-01-10T09:00:00Z");
    const carols = await subscribe(carol.api);
    const daves = await subscribe(dave.api);
    const alices = await subscribe(alice.api);
    const erp = await subscribe(s.api);
    const noRight = await carol.api.post(`/api/v1/subscriptions/${carols.sub.id}/cancel`);
    expect(noRight.status).toBe(403);
    expect(noRight.body.error.message).toMatch(/lack the right "revoke"/);
    expect((await dave.api.post(`/api/v1/subscriptions/${carols.sub.id}/cancel`)).status).toBe(200);
    expect((await dave.api.post(`/api/v1/subscriptions/${alices.sub.id}/cancel`)).status).toBe(404);
    expect((await alice.api.post(`/api/v1/subscriptions/${daves.sub.id}/cancel`)).status).toBe(200);
    expect((await bob.api.post(`/api/v1/subscriptions/${alices.sub.id}/cancel`)).status).toBe(404);
    expect((await bob.api.get(`/api/v1/subscriptions/${alices.sub.id}`)).status).toBe(404);
    const bobs = (await bob.api.get("/api/v1/subscriptions?limit=200")).body.data.map(
      (x: { id: string }) => x.id,
    );
    expect(bobs).not.toContain(alices.sub.id);
    expect((await alice.api.post(`/api/v1/subscriptions/${erp.sub.id}/cancel`)).status).toBe(404);
    expect((await s.api.post(`/api/v1/subscriptions/${alices.sub.id}/cancel`)).status).toBe(200);
    expect((await s.api.post(`/api/v1/subscriptions/${erp.sub.id}/cancel`)).status).toBe(200);
    expect((await bob.api.post("/api/v1/jobs/renewals/run")).status).toBe(403);
  });

  it("records every change in the audit log and the outbox, complete and in order", async () => {
    s.clock.set("2039-01-10T09:00:00Z");
    const { sub: created } = await subscribe(alice.api, {}, { expiresAt: "P1Y" });
    await alice.api.post(`/api/v1/subscriptions/${created.id}/cancel`);
    s.clock.advance(DAY);
    await alice.api.post(`/api/v1/subscriptions/${created.id}/withdraw-cancellation`);
    s.clock.set("2039-11-01T09:00:00Z");
    await runJob();
    s.clock.advance(DAY);
    await alice.api.post(`/api/v1/subscriptions/${created.id}/cancel`);
    s.clock.set("2041-02-01T09:00:00Z");
    await runJob();
    const events = await findOutboxEventsOf(s.rt.handle.db, "subscription", created.id);
    expect(events.map((e) => [e.type, e.day])).toEqual([
      ["subscription.created", "2039-01-10"],
      ["subscription.cancelled", "2039-01-10"],
      ["subscription.cancellation_withdrawn", "2039-01-11"],
      ["subscription.renewed", "2039-11-01"],
      ["subscription.cancelled", "2039-11-02"],
      ["subscription.ended", "2041-01-31"],
    ]);
    const seqs = events.map((e) => Number(e.seq));
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(JSON.parse(events[3]!.payload)).toMatchObject({
      subscription: created.id,
      term: 2,
      licenseVersion: 2,
    });
    const audit = await s.api.get(`/api/v1/audit-events?entityType=subscription&entityId=${created.id}`);
    expect(audit.body.data.map((e: { action: string; channel: string }) => [e.action, e.channel])).toEqual([
      ["subscription.created", "api"],
      ["subscription.cancelled", "api"],
      ["subscription.cancellation_withdrawn", "api"],
      ["subscription.renewed", "job"],
      ["subscription.cancelled", "api"],
      ["subscription.ended", "job"],
    ]);
  });

  it("emails the customer and the partner: upcoming deadline, renewed, cancelled, ended", async () => {
    s.clock.set("2042-01-10T09:00:00Z");
    const { sub: created, customer } = await subscribe(alice.api, {}, { expiresAt: "P1Y" });
    const mine = () => smtp.received.filter((m) => m.text.includes(created.id));
    const kinds = () => mine().map((m) => `${m.to.join(",")}: ${m.subject}`);
    // The deadline (2042-10-31) is 14 days away.
    s.clock.set("2042-10-17T09:00:00Z");
    await runJob();
    await runJob();
    await smtp.waitFor(() => mine().length >= 2);
    expect(kinds().sort()).toEqual(
      [
        `${customer}: Subscription of Cloud Studio: cancellation deadline 2042-10-31`,
        `${alice.user.email}: Subscription of Cloud Studio: cancellation deadline 2042-10-31`,
      ].sort(),
    );
    s.clock.set("2042-11-01T09:00:00Z");
    await runJob();
    await smtp.waitFor(() => mine().length >= 4);
    expect(kinds()).toEqual(
      expect.arrayContaining([`${customer}: Subscription of Cloud Studio renewed until 2044-01-31`]),
    );
    await alice.api.post(`/api/v1/subscriptions/${created.id}/cancel`);
    await smtp.waitFor(() => mine().length >= 6);
    expect(kinds()).toEqual(
      expect.arrayContaining([
        `${alice.user.email}: Subscription of Cloud Studio cancelled: it ends on 2044-01-31`,
      ]),
    );
    s.clock.set("2044-02-01T09:00:00Z");
    await runJob();
    await smtp.waitFor(() => mine().length >= 8);
    expect(kinds()).toEqual(
      expect.arrayContaining([`${customer}: Subscription of Cloud Studio ended on 2044-01-31`]),
    );
    const renewedMail = mine().find((m) => m.subject.includes("renewed"))!;
    expect(renewedMail.text).toMatch(/now runs until 2044-01-31/);
    expect(renewedMail.from).toMatch(/^licentra@/);
    expect(mine()).toHaveLength(8);
  });

  it("reports running subscriptions and monthly activity per group, as JSON and CSV, scoped to the subtree", async () => {
    s.clock.set("2050-03-10T09:00:00Z");
    const a = await subscribe(alice.api, {}, { expiresAt: "P1Y" });
    const c = await subscribe(carol.api, {}, { expiresAt: "P1Y" });
    const b = await subscribe(bob.api, {}, { expiresAt: "P1Y" });
    await subscribe(bob.api, {}, { expiresAt: "P1Y" });
    s.clock.set("2050-04-02T09:00:00Z");
    await bob.api.post(`/api/v1/subscriptions/${b.sub.id}/cancel`);
    s.clock.set("2051-01-01T09:00:00Z");
    await runJob();

    const month = async (who: ApiClient, from: string, to = from) => {
      const res = await who.get(`/api/v1/reports/subscriptions/monthly?from=${from}&to=${to}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.data as {
        month: string;
        groupName: string;
        created: number;
        renewed: number;
        cancelled: number;
      }[];
    };
    const byGroup = (rows: { groupName: string }[]) => rows.map((r) => r.groupName).sort();
    expect(byGroup(await month(alice.api, "2050-03"))).toEqual(["Reseller A", "Reseller A, Munich"]);
    expect(await month(alice.api, "2050-03")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ month: "2050-03", groupName: "Reseller A", created: 1, renewed: 0 }),
        expect.objectContaining({ month: "2050-03", groupName: "Reseller A, Munich", created: 1 }),
      ]),
    );
    // The deadline 2050-12-31 passed on 2051-01-01: the renewals count in January.
    expect(await month(bob.api, "2050-03", "2051-01")).toEqual([
      expect.objectContaining({ month: "2050-03", groupName: "Reseller B", created: 2, cancelled: 0 }),
      expect.objectContaining({ month: "2050-04", groupName: "Reseller B", created: 0, cancelled: 1 }),
      expect.objectContaining({ month: "2051-01", groupName: "Reseller B", renewed: 1 }),
    ]);
    expect(byGroup(await month(s.api, "2050-03"))).toEqual([
      "Reseller A",
      "Reseller A, Munich",
      "Reseller B",
    ]);
    expect(await month(s.api, "2051-01")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ groupName: "Reseller A, Munich", renewed: 1 }),
        expect.objectContaining({ groupName: "Reseller B", renewed: 1 }),
      ]),
    );
    expect((await carol.api.get("/api/v1/reports/subscriptions/monthly?from=2050-03")).status).toBe(403);

    const csv = await fetch(
      `${s.url}/api/v1/reports/subscriptions/monthly?from=2050-03&to=2051-01&format=csv`,
      {
        headers: { authorization: `Bearer ${bob.api.key}` },
      },
    );
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe("month,groupId,groupName,created,renewed,cancelled,withdrawn,ended");
    expect(lines.slice(1)).toEqual([
      `2050-03,${resellerB.id},Reseller B,2,0,0,0,0`,
      `2050-04,${resellerB.id},Reseller B,0,0,1,0,0`,
      `2051-01,${resellerB.id},Reseller B,0,1,0,0,0`,
    ]);

    const active = await alice.api.get(`/api/v1/reports/subscriptions/active?product=${product}`);
    expect(active.status).toBe(200);
    const ids = active.body.data.map((r: { subscriptionId: string }) => r.subscriptionId);
    expect(ids).toEqual(expect.arrayContaining([a.sub.id, c.sub.id]));
    expect(ids).not.toContain(b.sub.id);
    expect(
      active.body.data.find((r: { subscriptionId: string }) => r.subscriptionId === a.sub.id),
    ).toMatchObject({
      groupName: "Reseller A",
      customerEmail: a.customer,
      endDate: "2052-03-31",
      status: "active",
    });
    const activeCsv = await fetch(`${s.url}/api/v1/reports/subscriptions/active?format=csv`, {
      headers: { authorization: `Bearer ${bob.api.key}` },
    });
    const rows = (await activeCsv.text()).trim().split("\r\n");
    expect(rows[0]).toMatch(/^subscriptionId,licenseId,orderId,/);
    expect(rows.slice(1).every((r) => r.includes("Reseller B"))).toBe(true);
    expect(rows.some((r) => r.startsWith(b.sub.id))).toBe(true);
  });
});
