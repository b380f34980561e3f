import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { nudgeRouter, pingLocalUrl } from "../../../src/executor/host-nudges.js";
import { fetchHttp, type HttpPort } from "../../../src/executor/http-port.js";
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
    nudgeRouter(base, log, fetchHttp);
    expect(await seen).toBe("POST /runner");
  });

  it("calls localUrl once with GET", async () => {
    const { base, seen } = await listen();
    pingLocalUrl(`${base}/hello`, log, fetchHttp);
    expect(await seen).toBe("GET /hello");
  });

  it("never throws when nobody answers", () => {
    expect(() => nudgeRouter("http://127.0.0.1:1", log, fetchHttp)).not.toThrow();
    expect(() => pingLocalUrl("http://127.0.0.1:1/", log, fetchHttp)).not.toThrow();
  });

  it("goes through the injected HTTP port, bounded by a timeout, and not at all without a URL", async () => {
    const calls: string[] = [];
    const http: HttpPort = (url, request) => {
      calls.push(`${request.method} ${url} ${request.timeoutMs}`);
      return Promise.reject(new Error("nobody there"));
    };
    nudgeRouter("http://router.example:8080", log, http);
    pingLocalUrl("http://mac.local:9000/ping", log, http);
    nudgeRouter(undefined, log, http);
    pingLocalUrl(undefined, log, http);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([
      "POST http://router.example:8080/runner 5000",
      "GET http://mac.local:9000/ping 5000",
    ]);
  });
});
