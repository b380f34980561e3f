import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createForwardClient } from "../../../src/router/forward-client.js";
import { capacity } from "./support/fixtures.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const client = createForwardClient({ timeoutMs: 300, routerHostname: "router-1", executorToken: "tok" });
const delivery = {
  id: "d1",
  action: "queued" as const,
  headers: { "x-github-delivery": "d1" },
  body: Buffer.from("{}").toString("base64"),
};

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

  it("classifies failures by what they say about the delivery", async () => {
    const refused = await answering(200, {});
    await closeAll();
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

/** Closes the servers started so far, so their ports refuse connections. */
async function closeAll(): Promise<void> {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
}
