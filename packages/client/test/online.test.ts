import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type Activation,
  createOfflineRequest,
  createVerifier,
  deviceFingerprint,
  LicentraClient,
  LicentraError,
} from "../src/index.ts";
import { claimsFor, signLicense, vectorFile } from "./support/fixtures.ts";

const TICKET = "ABCDE-FGHJK-MNPQR-STVWX-YZ012";

interface RecordedRequest {
  method: string;
  url: string;
  contentType: string | undefined;
  body: unknown;
}

/**
 * A test double of the server's activation API contract: one license of product 1001 with
 * 1 seat behind TICKET; answers errors as `{ error: { code, message, details } }`.
 */
class FakeActivationApi {
  readonly requests: RecordedRequest[] = [];
  readonly activations = new Map<string, Activation & { fingerprint: string }>();
  readonly server: Server;

  constructor() {
    this.server = createServer((request, response) => {
      void this.#handle(request, response);
    });
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const body = (text === "" ? undefined : JSON.parse(text)) as Record<string, unknown>;
    const url = request.url ?? "";
    this.requests.push({
      method: request.method ?? "",
      url,
      contentType: request.headers["content-type"],
      body,
    });

    const send = (status: number, payload: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(payload));
    };
    const error = (status: number, code: string, message: string, details: unknown = {}) =>
      send(status, { error: { code, message, details } });
    const fileFor = (activation: Activation & { fingerprint: string }) =>
      signLicense(claimsFor(activation.fingerprint, new Date(), { jti: activation.id }));

    if (url === "/prefix/api/v1/activations" || url === "/api/v1/activations") {
      if (body.ticket !== TICKET) return error(404, "TICKET_NOT_FOUND", "no order has this ticket");
      const existing = [...this.activations.values()].find((a) => a.fingerprint === body.fingerprint);
      if (existing) return send(200, { activation: existing, licenseFile: fileFor(existing) });
      if (this.activations.size >= 1) {
        return error(409, "NO_SEAT_AVAILABLE", "all 1 seats of the license are in use", {
          seats: 1,
          active: 1,
        });
      }
      const activation = {
        id: `act-${this.activations.size + 1}`,
        fingerprint: String(body.fingerprint),
        deviceName: String(body.deviceName),
        status: "active",
      };
      this.activations.set(activation.id, activation);
      return send(201, { activation, licenseFile: fileFor(activation) });
    }
    if (url === "/api/v1/activations/offline") {
      if (body.type !== "licentra-activation-request")
        return error(400, "VALIDATION_FAILED", "not a request file");
      const activation = { id: "act-offline", fingerprint: String(body.fingerprint), status: "active" };
      return send(201, { activation, licenseFile: fileFor(activation) });
    }
    const action = url.match(/^\/api\/v1\/activations\/([^/]+)\/(refresh|return)$/);
    if (action) {
      const activation = this.activations.get(decodeURIComponent(action[1]!));
      if (!activation) return error(404, "ACTIVATION_NOT_FOUND", "no such activation");
      if (action[2] === "refresh") return send(200, { activation, licenseFile: fileFor(activation) });
      this.activations.delete(activation.id);
      return send(200, { activation: { ...activation, status: "returned" } });
    }
    if (url === "/api/v1/validate") {
      return send(200, { valid: false, code: "REVOKED", detail: "the license was revoked" });
    }
    if (url === "/api/v1/broken") return send(200, { unexpected: true });
    if (url === "/api/v1/html") {
      response.writeHead(502, { "content-type": "text/html" });
      return void response.end("<h1>Bad Gateway</h1>");
    }
    if (url === "/api/v1/slow") return; // never answers
    error(404, "NOT_FOUND", `no route ${url}`);
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe("LicentraClient against the activation API", () => {
  const api = new FakeActivationApi();
  let baseUrl: string;
  let client: LicentraClient;
  const verifier = createVerifier({ keys: vectorFile.jwks });
  const fingerprint = deviceFingerprint({ salt: 1001, machineId: "machine-under-test" });

  beforeAll(async () => {
    baseUrl = await api.listen();
    client = new LicentraClient({ baseUrl: `${baseUrl}/` });
  });
  afterAll(() => api.close());
  beforeEach(() => {
    api.requests.length = 0;
    api.activations.clear();
  });

  it("activates with a JSON body of exactly the given fields, and gets a file for this device", async () => {
    const result = await client.activate({
      ticket: TICKET,
      productCode: 1001,
      fingerprint,
      deviceName: "laptop",
    });

    expect(api.requests).toEqual([
      {
        method: "POST",
        url: "/api/v1/activations",
        contentType: "application/json",
        body: { ticket: TICKET, productCode: 1001, fingerprint, deviceName: "laptop" },
      },
    ]);
    expect(result).toMatchObject({ created: true, activation: { id: "act-1", status: "active" } });
    expect(verifier.verify(result.licenseFile, { fingerprint, productCode: 1001 }).code).toBe("VALID");
  });

  it("sends the license id and activation parameters when given", async () => {
    await client.activate({
      ticket: TICKET,
      license: "license-1",
      fingerprint,
      deviceName: "laptop",
      parameters: { site: "Berlin" },
    });
    expect(api.requests[0]?.body).toEqual({
      ticket: TICKET,
      license: "license-1",
      fingerprint,
      deviceName: "laptop",
      parameters: { site: "Berlin" },
    });
  });

  it("reports an activation the device already had as not created (HTTP 200)", async () => {
    const first = await client.activate({
      ticket: TICKET,
      productCode: 1001,
      fingerprint,
      deviceName: "laptop",
    });
    const again = await client.activate({
      ticket: TICKET,
      productCode: 1001,
      fingerprint,
      deviceName: "laptop",
    });
    expect(again).toMatchObject({ created: false, activation: { id: first.activation.id } });
  });

  it("throws the server's error code, message and details as a LicentraError", async () => {
    await client.activate({ ticket: TICKET, productCode: 1001, fingerprint, deviceName: "laptop" });
    const error = await client
      .activate({ ticket: TICKET, productCode: 1001, fingerprint: "another device", deviceName: "desktop" })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LicentraError);
    expect(error).toMatchObject({
      status: 409,
      code: "NO_SEAT_AVAILABLE",
      message: "all 1 seats of the license are in use",
      details: { seats: 1, active: 1 },
    });
  });

  it("refuses to activate without a license or product code, before any request", async () => {
    await expect(client.activate({ ticket: TICKET, fingerprint, deviceName: "laptop" })).rejects.toThrow(
      TypeError,
    );
    expect(api.requests).toEqual([]);
  });

  it("refreshes with the ticket or with the current license file", async () => {
    const { activation, licenseFile } = await client.activate({
      ticket: TICKET,
      productCode: 1001,
      fingerprint,
      deviceName: "laptop",
    });

    const byTicket = await client.refresh({ activationId: activation.id, ticket: TICKET });
    const byFile = await client.refresh({ activationId: activation.id, licenseFile });

    expect(api.requests.slice(1).map(({ url, body }) => ({ url, body }))).toEqual([
      { url: "/api/v1/activations/act-1/refresh", body: { ticket: TICKET } },
      { url: "/api/v1/activations/act-1/refresh", body: { licenseFile } },
    ]);
    expect(byTicket.activation.id).toBe("act-1");
    expect(verifier.verify(byFile.licenseFile, { fingerprint }).code).toBe("VALID");
  });

  it("needs exactly one of ticket and license file to refresh or return", async () => {
    await expect(client.refresh({ activationId: "act-1" })).rejects.toThrow(/exactly one/);
    await expect(
      client.returnActivation({ activationId: "act-1", ticket: TICKET, licenseFile: "x" }),
    ).rejects.toThrow(/exactly one/);
  });

  it("returns an activation, freeing its seat", async () => {
    const { activation } = await client.activate({
      ticket: TICKET,
      productCode: 1001,
      fingerprint,
      deviceName: "a",
    });

    const returned = await client.returnActivation({ activationId: activation.id, ticket: TICKET });
    const other = await client.activate({
      ticket: TICKET,
      productCode: 1001,
      fingerprint: "b",
      deviceName: "b",
    });

    expect(api.requests[1]).toMatchObject({
      url: "/api/v1/activations/act-1/return",
      body: { ticket: TICKET },
    });
    expect(returned.activation).toMatchObject({ id: "act-1", status: "returned" });
    expect(other.created).toBe(true);
  });

  it("encodes the activation id in the path", async () => {
    await expect(client.refresh({ activationId: "../../admin", ticket: TICKET })).rejects.toMatchObject({
      status: 404,
      code: "ACTIVATION_NOT_FOUND",
    });
    expect(api.requests[0]?.url).toBe("/api/v1/activations/..%2F..%2Fadmin/refresh");
  });

  it("validates online and returns an invalid outcome as data", async () => {
    const result = await client.validate({
      licenseFile: "file",
      fingerprint,
      productCode: 1001,
      features: ["pro"],
      buildDate: new Date("2026-11-01T10:00:00Z"),
    });

    expect(api.requests[0]).toMatchObject({
      url: "/api/v1/validate",
      body: {
        licenseFile: "file",
        fingerprint,
        productCode: 1001,
        features: ["pro"],
        buildDate: "2026-11-01",
      },
    });
    expect(result).toEqual({ valid: false, code: "REVOKED", detail: "the license was revoked" });
  });

  it("activates from an offline request, posting the request as it is", async () => {
    const request = createOfflineRequest({
      ticket: TICKET,
      productCode: 1001,
      fingerprint,
      deviceName: "air-gapped",
    });

    const result = await client.activateOffline(request);

    expect(api.requests[0]).toMatchObject({ url: "/api/v1/activations/offline", body: request });
    expect(result.activation.id).toBe("act-offline");
    expect(verifier.verify(result.licenseFile, { fingerprint }).code).toBe("VALID");
  });

  it("keeps a path prefix of the base URL", async () => {
    const prefixed = new LicentraClient({ baseUrl: `${baseUrl}/prefix` });
    await prefixed.activate({ ticket: TICKET, productCode: 1001, fingerprint, deviceName: "laptop" });
    expect(api.requests[0]?.url).toBe("/prefix/api/v1/activations");
  });

  it("reports an answer that is not Licentra's error format as HTTP_ERROR", async () => {
    const raw = new LicentraClient({ baseUrl, fetch: (_url, init) => fetch(`${baseUrl}/api/v1/html`, init) });
    await expect(raw.validate({ licenseFile: "x" })).rejects.toMatchObject({
      status: 502,
      code: "HTTP_ERROR",
      details: { body: "<h1>Bad Gateway</h1>" },
    });
  });

  it("reports a success answer of unexpected shape as UNEXPECTED_RESPONSE", async () => {
    const broken = new LicentraClient({
      baseUrl,
      fetch: (_url, init) => fetch(`${baseUrl}/api/v1/broken`, init),
    });
    await expect(broken.refresh({ activationId: "act-1", ticket: TICKET })).rejects.toMatchObject({
      status: 200,
      code: "UNEXPECTED_RESPONSE",
    });
  });

  it("reports an unreachable server as NETWORK_ERROR and a silent one as TIMEOUT", async () => {
    const closed = new FakeActivationApi();
    const closedUrl = await closed.listen();
    await closed.close();
    await expect(new LicentraClient({ baseUrl: closedUrl }).validate({})).rejects.toMatchObject({
      status: 0,
      code: "NETWORK_ERROR",
    });

    const slow = new LicentraClient({
      baseUrl,
      timeoutMs: 200,
      fetch: (_url, init) => fetch(`${baseUrl}/api/v1/slow`, init),
    });
    await expect(slow.validate({})).rejects.toMatchObject({ status: 0, code: "TIMEOUT" });
  });
});
