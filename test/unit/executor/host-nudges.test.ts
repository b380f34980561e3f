import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { nudgeRouter, pingLocalUrl } from "../../../src/executor/host-nudges.js";
import { createLogger } from "../../../src/observability/logger.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

const log = createLogger({ level: "silent", pretty: false });

function listen(): Promise<{ base: string; seen: Promise<string> }> {
  let resolveSeen: (line: string) => void = () => undefined;
  const seen = new Promise<string>((resolve) => (resolveSeen = resolve));
  server = createServer((request, response) => {
    resolveSeen(`${request.method} ${request.url}`);
    response.end();
  });
  return new Promise((resolve) =>
    server?.listen(0, "127.0.0.1", () =>
      resolve({ base: `http://127.0.0.1:${(server?.address() as AddressInfo).port}`, seen }),
    ),
  );
}

describe("the original's webhook.routerUrl and webhook.localUrl", () => {
  it("nudges the router with POST {routerUrl}/runner", async () => {
    const { base, seen } = await listen();
    nudgeRouter(base, log);
    expect(await seen).toBe("POST /runner");
  });

  it("calls localUrl once with GET", async () => {
    const { base, seen } = await listen();
    pingLocalUrl(`${base}/hello`, log);
    expect(await seen).toBe("GET /hello");
  });

  it("never throws when nobody answers", () => {
    expect(() => nudgeRouter("http://127.0.0.1:1", log)).not.toThrow();
    expect(() => pingLocalUrl("http://127.0.0.1:1/", log)).not.toThrow();
  });
});
