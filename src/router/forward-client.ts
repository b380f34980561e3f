/**
 * The router's HTTP client to executors (router-protocol.ts): `POST /router` with the original
 * bytes and GitHub's headers, and `GET /status`, over keep-alive connections (http-exchange.ts);
 * every request has a deadline. Failures are classified by what they say about the delivery:
 * refused connections delivered nothing, a timeout or reset may have delivered it.
 */
import { createHttpExchanger, type Exchange } from "./http-exchange.js";
import { parseForwardAnswer, parseStatusAnswer } from "./protocol-schemas.js";
import type { ForwardFailure, StoredDelivery } from "./router-model.js";
import type { ExecutorStatusAnswer, ForwardAnswer } from "../shared/router-protocol.js";

export type ForwardAttempt =
  | { readonly ok: true; readonly answer: ForwardAnswer; readonly seconds: number }
  | {
      readonly ok: false;
      readonly failure: ForwardFailure;
      readonly reason: string;
      readonly seconds: number;
    };

export type StatusAttempt =
  | { readonly ok: true; readonly status: ExecutorStatusAnswer }
  | { readonly ok: false; readonly reason: string };

export interface ForwardClient {
  forward(baseUrl: string, delivery: StoredDelivery): Promise<ForwardAttempt>;
  status(baseUrl: string): Promise<StatusAttempt>;
}

export interface ForwardClientOptions {
  readonly timeoutMs: number;
  /** Sent as `authorization: Bearer …` (the executors' webhook.routerToken). */
  readonly executorToken?: string;
  /** Sent as `x-tart-router-host`. */
  readonly routerHostname: string;
  /** Seconds from a monotonic clock, for the latency histogram. */
  readonly elapsed?: () => number;
}

/** Errors that mean the connection was never made, so the executor cannot have seen the request. */
const NOT_CONNECTED = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "EADDRNOTAVAIL",
]);

export function createForwardClient(options: ForwardClientOptions): ForwardClient {
  const elapsed = options.elapsed ?? (() => performance.now() / 1000);
  const http = createHttpExchanger();
  const extraHeaders: Record<string, string> = { "x-tart-router-host": options.routerHostname };
  if (options.executorToken !== undefined) extraHeaders["authorization"] = `Bearer ${options.executorToken}`;

  return {
    async forward(baseUrl, delivery) {
      const started = elapsed();
      const took = (): number => elapsed() - started;
      const exchange = await http.exchange(`${baseUrl}/router`, {
        method: "POST",
        headers: { ...delivery.headers, ...extraHeaders },
        body: Buffer.from(delivery.body, "base64"),
        timeoutMs: options.timeoutMs,
      });
      if (!exchange.ok) return { ok: false, ...classify(exchange), seconds: took() };
      const { status, text } = exchange;
      if (status === 401 || status === 403)
        return { ok: false, failure: "unauthorized", reason: `HTTP ${status}: ${text}`, seconds: took() };
      if (status >= 400 && status < 500)
        return { ok: false, failure: "invalid", reason: `HTTP ${status}: ${text}`, seconds: took() };
      // Anything but a 200 carrying a protocol answer (a redirect, a 5xx) may have recorded it.
      const answer = status === 200 ? parseForwardAnswer(parseJson(text)) : null;
      if (answer === null)
        return { ok: false, failure: "failed", reason: `HTTP ${status}: ${text}`, seconds: took() };
      return { ok: true, answer, seconds: took() };
    },

    async status(baseUrl) {
      const exchange = await http.exchange(`${baseUrl}/status`, {
        method: "GET",
        timeoutMs: options.timeoutMs,
      });
      if (!exchange.ok) return { ok: false, reason: classify(exchange).reason };
      if (exchange.status !== 200) return { ok: false, reason: `HTTP ${exchange.status}: ${exchange.text}` };
      const status = parseStatusAnswer(parseJson(exchange.text));
      return status === null
        ? { ok: false, reason: "not a tart-executor status answer" }
        : { ok: true, status };
    },
  };
}

/** A connection that was never made delivered nothing; anything else (a timeout, a reset) may have. */
function classify(failure: Exclude<Exchange, { ok: true }>): { failure: ForwardFailure; reason: string } {
  if (failure.timedOut) return { failure: "failed", reason: "timed out" };
  const neverConnected = !failure.connected && failure.code !== null && NOT_CONNECTED.has(failure.code);
  return {
    failure: neverConnected ? "refused" : "failed",
    reason: failure.code ?? failure.message,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
