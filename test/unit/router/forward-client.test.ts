import type { IncomingHttpHeaders } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createForwardClient } from "../../../src/router/forward-client.js";
import { capacity } from "./support/fixtures.js";
import { loopbackServers, settle } from "./support/loopback-servers.js";

const servers = loopbackServers();
afterEach(() => servers.closeAll());
const serve = async (handler: Parameters<typeof servers.serve>[0]): Promise<string> =>
  (await servers.serve(handler)).url;

const client = createForwardClient({ timeoutMs: 300, routerHostname: "router-1", executorToken: "tok" });
const delivery = {
  id: "d1",
  action: "queued" as const,
  headers: { "x-github-delivery": "d1" },
  body: Buffer.from("{}").toString("base64"),
};
const ACCEPTED = { result: "accepted", message: "ok", capacity: capacity(1) };

function answering(status: number, body: unknown) {
  return serve((_request, response) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(typeof body === "string" ? body : JSON.stringify(body));
  });
}

describe("forward client", () => {
  it("reads a protocol answer", async () => {
    const url = await answering(200, { result: "accepted", message: "ok", capacity: capacity(1) });
    const attempt = await client.forward(url, delivery);
    expect(attempt).toMatchObject({ ok: true, answer: { result: "accepted", capacity: { freeSlots: 1 } } });
  });

  it("sends the original bytes with GitHub's headers and its own", async () => {
    const received: Array<{
      method: string | undefined;
      url: string | undefined;
      headers: IncomingHttpHeaders;
      body: string;
    }> = [];
    const url = await serve((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const { method, url, headers } = request;
        received.push({ method, url, headers, body: Buffer.concat(chunks).toString("utf8") });
        response.end(JSON.stringify(ACCEPTED));
      });
    });
    const body = '{"action":"queued","é":1}';
    const headers = {
      "x-github-delivery": "d2",
      "x-github-event": "workflow_job",
      "content-type": "application/json",
    };
    await client.forward(url, { ...delivery, headers, body: Buffer.from(body).toString("base64") });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: "POST", url: "/router", body });
    expect(received[0]?.headers).toMatchObject({
      ...headers,
      "content-length": String(Buffer.byteLength(body)),
      authorization: "Bearer tok",
      "x-tart-router-host": "router-1",
    });
  });

  it("classifies failures by what they say about the delivery", async () => {
    const refused = await answering(200, {});
    await servers.closeAll();
    expect(await client.forward(refused, delivery)).toMatchObject({ ok: false, failure: "refused" });
    expect(await client.forward(await answering(401, { message: "no" }), delivery)).toMatchObject({
      ok: false,
      failure: "unauthorized",
    });
    expect(await client.forward(await answering(400, { message: "bad" }), delivery)).toMatchObject({
      ok: false,
      failure: "invalid",
    });
    expect(await client.forward(await answering(503, { message: "disk" }), delivery)).toMatchObject({
      ok: false,
      failure: "failed",
    });
    expect(await client.forward(await answering(200, "garbage"), delivery)).toMatchObject({
      ok: false,
      failure: "failed",
    });
    const hanging = await serve(() => undefined);
    expect(await client.forward(hanging, delivery)).toMatchObject({
      ok: false,
      failure: "failed",
      reason: "timed out",
    });
  });

  it("reads a status answer and rejects anything else", async () => {
    const status = {
      ...capacity(2),
      hostname: "mac-a",
      version: "1",
      inProgressJobs: 0,
      pendingJobs: 0,
      vms: [],
    };
    expect(await client.status(await answering(200, status))).toMatchObject({
      ok: true,
      status: { hostname: "mac-a", freeSlots: 2 },
    });
    expect(await client.status(await answering(200, { hello: 1 }))).toMatchObject({ ok: false });
  });
});

describe("forward client failures", () => {
  it("counts a connection reset after the request went out as maybe delivered", async () => {
    const url = await serve((request) => request.on("end", () => request.socket.destroy()).resume());
    expect(await client.forward(url, delivery)).toMatchObject({
      ok: false,
      failure: "failed",
      reason: "ECONNRESET",
    });
  });

  it("never counts a failure on a kept-alive connection as refused", async () => {
    let requests = 0;
    const url = await serve((request, response) => {
      requests += 1;
      // The first is answered and its connection kept; the second is read, then the connection reset.
      if (requests === 1) request.on("end", () => response.end(JSON.stringify(ACCEPTED))).resume();
      else request.on("end", () => request.socket.destroy()).resume();
    });
    expect(await client.forward(url, delivery)).toMatchObject({ ok: true });
    expect(await client.forward(url, delivery)).toMatchObject({ ok: false, failure: "failed" });
  });

  it("times out an answer that starts but never ends", async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.write('{"result":"accepted",');
      const drip = setInterval(() => response.write(" "), 50);
      response.on("close", () => clearInterval(drip));
    });
    const started = performance.now();
    const attempt = await client.forward(url, delivery);
    expect(attempt).toMatchObject({ ok: false, failure: "failed", reason: "timed out" });
    // The deadline covers the whole exchange, not the silence between bytes.
    expect(performance.now() - started).toBeLessThan(1_000);
    if (!attempt.ok) expect(attempt.seconds).toBeGreaterThanOrEqual(0.25);
  });

  it("gives up on an answer over 64 KiB instead of reading it all", async () => {
    const url = await answering(200, `"${"x".repeat(200_000)}"`);
    const attempt = await client.forward(url, delivery);
    expect(attempt).toMatchObject({ ok: false, failure: "failed" });
    if (!attempt.ok) expect(attempt.reason.length).toBeLessThanOrEqual(65_536 + 20);
  });

  it("is refused again once the executor is gone, even after keeping a connection to it", async () => {
    const executor = await servers.serve((request, response) =>
      request.on("end", () => response.end(JSON.stringify(ACCEPTED))).resume(),
    );
    expect(await client.forward(executor.url, delivery)).toMatchObject({ ok: true });
    await executor.close();
    await settle();
    expect(await client.forward(executor.url, delivery)).toMatchObject({ ok: false, failure: "refused" });
    expect(await client.status(executor.url)).toMatchObject({ ok: false, reason: "ECONNREFUSED" });
  });
});

describe("forward client connections", () => {
  const accepting = () =>
    servers.serve((request, response) => {
      request.resume();
      request.on("end", () => {
        const status = { ...capacity(1), hostname: "mac-a", version: "1", inProgressJobs: 0, pendingJobs: 0 };
        response.end(JSON.stringify(request.url === "/status" ? status : ACCEPTED));
      });
    });

  it("keeps one connection alive for forwards and status checks in turn", async () => {
    const executor = await accepting();
    for (let index = 0; index < 5; index += 1)
      expect(await client.forward(executor.url, delivery)).toMatchObject({ ok: true });
    expect(await client.status(executor.url)).toMatchObject({ ok: true });
    expect(executor.connections()).toBe(1);
  });

  it("opens more connections for forwards at the same time, and reuses them", async () => {
    const executor = await accepting();
    const all = () => Promise.all([1, 2, 3].map(() => client.forward(executor.url, delivery)));
    for (const attempt of await all()) expect(attempt).toMatchObject({ ok: true });
    expect(executor.connections()).toBe(3);
    for (const attempt of await all()) expect(attempt).toMatchObject({ ok: true });
    expect(executor.connections()).toBe(3);
  });

  it("opens a new connection when the executor closed the idle one", async () => {
    const executor = await accepting();
    expect(await client.forward(executor.url, delivery)).toMatchObject({ ok: true });
    executor.server.closeIdleConnections();
    await settle();
    expect(await client.forward(executor.url, delivery)).toMatchObject({ ok: true });
    expect(executor.connections()).toBe(2);
  });

  it("never reuses a connection whose request timed out", async () => {
    let requests = 0;
    const executor = await servers.serve((request, response) => {
      requests += 1;
      request.resume();
      if (requests > 1) request.on("end", () => response.end(JSON.stringify(ACCEPTED)));
    });
    expect(await client.forward(executor.url, delivery)).toMatchObject({ ok: false, reason: "timed out" });
    expect(await client.forward(executor.url, delivery)).toMatchObject({ ok: true });
    expect(executor.connections()).toBe(2);
  });
});
