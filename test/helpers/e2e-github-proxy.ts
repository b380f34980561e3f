/**
 * The one HTTP proxy between the executor and the fake GitHub: point `github.apiUrl` at
 * `proxy.apiUrl` and
 * - every REST exchange (request headers and body, answer status and body) is kept, so tests can
 *   read what the executor sent and what it was given (installation tokens, JIT configs) without
 *   the fake having to expose them;
 * - it can rewrite the `serverUrl` inside generate-jitconfig answers, so the runner started in the
 *   VM talks to somewhere else (a black hole: the runner never connects, never goes online);
 * - it can also carry the runners' own traffic and hold requests whose path matches a pattern
 *   until released (a runner whose job poll or session request hangs).
 * Also a black-hole TCP server: accepts connections and never answers a byte.
 * Everything listens on 127.0.0.1 and closes every socket on close().
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Socket } from "node:net";
import { decodeJitConfig, encodeJitConfig } from "../../src/sim/runner-protocol.js";

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

export interface GitHubProxy {
  readonly url: string;
  readonly apiUrl: string;
  /** Every exchange forwarded so far, in the order the answers came. */
  exchanges(): readonly Exchange[];
  /** From now on, JIT configs handed out send their runner to `serverUrl` (null: leave them alone). */
  redirectRunners(serverUrl: string | null): void;
  /** How many JIT configs were rewritten. */
  readonly rewritten: number;
  /** Holds requests whose path matches `pattern` until `release()` (or the client goes away). */
  hold(pattern: RegExp): void;
  /** Stops holding and forwards every held request. */
  release(): void;
  /** Requests held right now. */
  readonly held: number;
  close(): Promise<void>;
}

/** The proxy under its first name (the end-to-end tests read its exchanges). */
export type RecordingProxy = GitHubProxy;

const JIT_CONFIG_PATH = /\/actions\/runners\/generate-jitconfig$/;

/** A proxy to `targetUrl` (the fake GitHub's base URL, without /api/v3). */
export async function startGitHubProxy(targetUrl: string): Promise<GitHubProxy> {
  const target = new URL(targetUrl);
  const exchanges: Exchange[] = [];
  let runnerServerUrl: string | null = null;
  let rewritten = 0;
  const sockets = new Set<Socket>();
  let holding: RegExp | null = null;
  let heldRequests: Array<() => void> = [];
  const server = createServer((req, res) => {
    const startedAtMs = Date.now();
    const chunks: Buffer[] = [];
    const send = (requestBody: Buffer): void => {
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          const answerChunks: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => answerChunks.push(chunk));
          answer.on("end", () => {
            let responseBody = Buffer.concat(answerChunks);
            if (
              runnerServerUrl !== null &&
              req.method === "POST" &&
              JIT_CONFIG_PATH.test(req.url ?? "") &&
              answer.statusCode === 201
            ) {
              const json = JSON.parse(responseBody.toString("utf8")) as { encoded_jit_config: string };
              const files = decodeJitConfig(json.encoded_jit_config);
              json.encoded_jit_config = encodeJitConfig(
                { ...files.runner, serverUrl: runnerServerUrl },
                files.credentials,
              );
              responseBody = Buffer.from(JSON.stringify(json));
              rewritten += 1;
            }
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
            const headers = { ...answer.headers };
            delete headers["transfer-encoding"];
            headers["content-length"] = String(responseBody.length);
            res.writeHead(answer.statusCode ?? 502, headers);
            res.end(responseBody);
          });
          answer.on("error", () => res.destroy());
        },
      );
      upstream.on("error", (error) => {
        if (res.headersSent) return void res.destroy();
        res.writeHead(502, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `proxy: ${error.message}` }));
      });
      upstream.end(requestBody);
    };
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const forward = (): void => {
        if (res.destroyed || res.writableEnded) return;
        send(body);
      };
      if (holding !== null && holding.test((req.url ?? "").split("?")[0] ?? "")) {
        heldRequests.push(forward);
        return;
      }
      forward();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    apiUrl: `${url}/api/v3`,
    exchanges: () => exchanges,
    redirectRunners: (serverUrl) => void (runnerServerUrl = serverUrl),
    get rewritten() {
      return rewritten;
    },
    hold: (pattern) => void (holding = pattern),
    release() {
      holding = null;
      const waiting = heldRequests;
      heldRequests = [];
      for (const forward of waiting) forward();
    },
    get held() {
      return heldRequests.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The proxy under its first name. */
export const startRecordingProxy = startGitHubProxy;

export interface BlackHole {
  readonly url: string;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createTcpServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
    socket.resume(); // read and drop everything, answer nothing
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
