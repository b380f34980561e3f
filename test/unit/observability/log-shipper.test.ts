import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createLogShipper, toOriginalShape } from "../../../src/observability/log-shipper.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

function receiver(status = 200): Promise<{ url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  server = createServer((request, response) => {
    let text = "";
    request.on("data", (chunk: Buffer) => (text += chunk.toString()));
    request.on("end", () => {
      bodies.push(JSON.parse(text));
      response.writeHead(status).end();
    });
  });
  return new Promise((resolve) =>
    server?.listen(0, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${(server?.address() as AddressInfo).port}/ingest`, bodies }),
    ),
  );
}

describe("log shipping to loggingEndpoint", () => {
  it("posts each line in the original's shape", async () => {
    const { url, bodies } = await receiver();
    const shipper = createLogShipper({ endpoint: url, service: "tart-executor", host: "mini-1" });
    shipper.stream.write(
      `${JSON.stringify({ level: "warn", time: "2026-05-01T10:00:00.123Z", msg: "vm failed", vm: "tart-executor-mini-1-abcdefgh", attempt: 2 })}\n`,
    );
    shipper.stream.write(
      `${JSON.stringify({ level: "info", time: "2026-05-01T10:00:01.000Z", msg: "runner online" })}\n`,
    );
    await shipper.flush();
    expect(bodies).toEqual([
      {
        subsystem: "tart-executor",
        level: "error",
        message: "vm failed",
        host: "mini-1",
        service: "tart-executor",
        timestamp: "2026-05-01 10:00:00.123",
        parameters: { vm: "tart-executor-mini-1-abcdefgh", attempt: "2" },
      },
      expect.objectContaining({ level: "info", message: "runner online" }),
    ]);
    expect(shipper.dropped()).toBe(0);
  });

  it("never queues more than its bound and counts what it dropped", async () => {
    const { url } = await receiver();
    const shipper = createLogShipper({
      endpoint: url,
      service: "s",
      host: "h",
      maxQueued: 3,
      concurrency: 1,
    });
    for (let index = 0; index < 10; index += 1) shipper.stream.write(`{"msg":"line ${index}"}\n`);
    await shipper.flush();
    expect(shipper.dropped()).toBe(6); // one in flight, three queued
  });

  it("counts failed posts as dropped instead of throwing", async () => {
    const { url } = await receiver(500);
    const shipper = createLogShipper({ endpoint: url, service: "s", host: "h" });
    shipper.stream.write('{"msg":"x"}\n');
    await shipper.flush();
    expect(shipper.dropped()).toBe(1);
  });

  it("ships non-JSON lines (pretty terminal output) as the message", () => {
    expect(toOriginalShape("plain text", "tart-router", "r1")).toMatchObject({
      message: "plain text",
      service: "tart-router",
      host: "r1",
    });
  });
});
