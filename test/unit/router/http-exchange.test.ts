import { createServer as createTcpServer, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpExchanger } from "../../../src/router/http-exchange.js";
import { loopbackServers, settle } from "./support/loopback-servers.js";

const servers = loopbackServers();
const http = createHttpExchanger();
afterEach(() => servers.closeAll());
const post = { method: "POST", body: Buffer.from("{}"), timeoutMs: 300 } as const;

describe("http exchange", () => {
  it("tells a connection never made from one that failed after it was made", async () => {
    const gone = await servers.serve(() => undefined);
    await gone.close();
    expect(await http.exchange(`${gone.url}/router`, post)).toEqual({
      ok: false,
      timedOut: false,
      connected: false,
      code: "ECONNREFUSED",
      message: expect.any(String) as string,
    });
    const reset = await servers.serve((request) =>
      request.on("end", () => request.socket.destroy()).resume(),
    );
    expect(await http.exchange(`${reset.url}/router`, post)).toMatchObject({
      ok: false,
      timedOut: false,
      connected: true,
      code: "ECONNRESET",
    });
    const silent = await servers.serve(() => undefined);
    expect(await http.exchange(`${silent.url}/router`, post)).toMatchObject({
      ok: false,
      timedOut: true,
      connected: true,
      message: "timed out",
    });
  });

  it("answers with the status and body of any complete answer", async () => {
    const teapot = await servers.serve((_request, response) =>
      response.writeHead(418).end("short and stout"),
    );
    expect(await http.exchange(`${teapot.url}/status`, { method: "GET", timeoutMs: 300 })).toEqual({
      ok: true,
      status: 418,
      text: "short and stout",
    });
  });

  it("fails, without throwing, on a URL it cannot request", async () => {
    expect(await http.exchange("not a url/router", post)).toMatchObject({ ok: false, connected: false });
  });

  it("speaks TLS to an https:// URL", async () => {
    const firstBytes: Buffer[] = [];
    const tcp = createTcpServer((socket) => socket.once("data", (chunk: Buffer) => firstBytes.push(chunk)));
    await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = tcp.address() as AddressInfo;
      const attempt = await http.exchange(`https://127.0.0.1:${port}/router`, post);
      expect(attempt).toMatchObject({ ok: false, connected: true });
      expect(firstBytes[0]?.[0]).toBe(0x16); // a TLS handshake record
    } finally {
      await new Promise((resolve) => tcp.close(resolve));
    }
  });

  it("closes its idle connections when asked", async () => {
    const exchanger = createHttpExchanger();
    const server = await servers.serve((_request, response) => response.end("{}"));
    let closed = 0;
    server.server.on("connection", (socket) => socket.on("close", () => (closed += 1)));
    expect(await exchanger.exchange(`${server.url}/status`, { method: "GET", timeoutMs: 300 })).toMatchObject(
      {
        ok: true,
      },
    );
    expect(closed).toBe(0);
    exchanger.close();
    await settle();
    expect(closed).toBe(1);
  });
});
