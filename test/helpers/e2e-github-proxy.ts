/**
 * A recording HTTP proxy between the executor and the fake GitHub: point `github.apiUrl` at
 * `proxy.apiUrl` and every REST exchange (request headers and body, answer status and body) is
 * kept, so tests can read what the executor sent and what it was given — installation tokens,
 * JIT configs — without the fake having to expose them.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface Exchange {
  readonly method: string;
  /** Path and query as the executor sent them (with the `/api/v3` prefix). */
  readonly url: string;
  readonly requestHeaders: IncomingHttpHeaders;
  readonly requestBody: string;
  readonly status: number;
  readonly responseBody: string;
  readonly startedAtMs: number;
  readonly endedAtMs: number;
}

export interface RecordingProxy {
  readonly url: string;
  readonly apiUrl: string;
  exchanges(): readonly Exchange[];
  close(): Promise<void>;
}

export async function startRecordingProxy(targetUrl: string): Promise<RecordingProxy> {
  const target = new URL(targetUrl);
  const exchanges: Exchange[] = [];
  const server = createServer((req, res) => {
    const startedAtMs = Date.now();
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const requestBody = Buffer.concat(chunks);
      const headers = { ...req.headers, host: target.host };
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
        (answer) => {
          const answerChunks: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => answerChunks.push(chunk));
          answer.on("end", () => {
            const responseBody = Buffer.concat(answerChunks);
            exchanges.push({
              method: req.method ?? "GET",
              url: req.url ?? "/",
              requestHeaders: req.headers,
              requestBody: requestBody.toString("utf8"),
              status: answer.statusCode ?? 0,
              responseBody: responseBody.toString("utf8"),
              startedAtMs,
              endedAtMs: Date.now(),
            });
            const outHeaders = { ...answer.headers };
            delete outHeaders["transfer-encoding"];
            outHeaders["content-length"] = String(responseBody.length);
            res.writeHead(answer.statusCode ?? 502, outHeaders);
            res.end(responseBody);
          });
          answer.on("error", () => res.destroy());
        },
      );
      upstream.on("error", (error) => {
        res.writeHead(502, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `proxy: ${error.message}` }));
      });
      upstream.end(requestBody);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    apiUrl: `${url}/api/v3`,
    exchanges: () => exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
