/**
 * The router's HTTP client to executors (router-protocol.ts): `POST /router` with the original
 * bytes and GitHub's headers, and `GET /status`. Node's fetch keeps connections alive; every
 * request has a deadline. Failures are classified by what they say about the delivery: refused
 * connections delivered nothing, a timeout or reset may have delivered it.
 */
import { parseForwardAnswer, parseStatusAnswer } from "./protocol-schemas.js";
import type { ForwardFailure, StoredDelivery } from "./router-model.js";
import type { ExecutorStatusAnswer, ForwardAnswer } from "./router-protocol.js";

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
  const extraHeaders: Record<string, string> = { "x-tart-router-host": options.routerHostname };
  if (options.executorToken !== undefined) extraHeaders["authorization"] = `Bearer ${options.executorToken}`;

  return {
    async forward(baseUrl, delivery) {
      const started = elapsed();
      const took = (): number => elapsed() - started;
      let response: Response;
      try {
        response = await fetch(`${baseUrl}/router`, {
          method: "POST",
          headers: { ...delivery.headers, ...extraHeaders },
          body: Buffer.from(delivery.body, "base64"),
          // An executor never redirects; not following also spares fetch a copy of the body.
          redirect: "error",
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        return { ok: false, ...classify(error), seconds: took() };
      }
      const text = await readText(response);
      if (response.status === 401 || response.status === 403)
        return {
          ok: false,
          failure: "unauthorized",
          reason: `HTTP ${response.status}: ${text}`,
          seconds: took(),
        };
      if (response.status >= 400 && response.status < 500)
        return { ok: false, failure: "invalid", reason: `HTTP ${response.status}: ${text}`, seconds: took() };
      const answer = response.status === 200 ? parseForwardAnswer(parseJson(text)) : null;
      if (answer === null)
        return { ok: false, failure: "failed", reason: `HTTP ${response.status}: ${text}`, seconds: took() };
      return { ok: true, answer, seconds: took() };
    },

    async status(baseUrl) {
      try {
        const response = await fetch(`${baseUrl}/status`, {
          redirect: "error",
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        const text = await readText(response);
        if (response.status !== 200) return { ok: false, reason: `HTTP ${response.status}: ${text}` };
        const status = parseStatusAnswer(parseJson(text));
        return status === null
          ? { ok: false, reason: "not a tart-executor status answer" }
          : { ok: true, status };
      } catch (error) {
        return { ok: false, reason: classify(error).reason };
      }
    },
  };
}

function classify(error: unknown): { failure: ForwardFailure; reason: string } {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return { failure: "failed", reason: "timed out" };
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === "string" ? cause.code : null;
  const message = typeof cause?.message === "string" ? cause.message : String(error);
  return {
    failure: code !== null && NOT_CONNECTED.has(code) ? "refused" : "failed",
    reason: code ?? message,
  };
}

/** The body as text, at most 64 KiB of it (an answer is small; anything bigger is not ours). */
async function readText(response: Response): Promise<string> {
  try {
    const text = await response.text();
    return text.length > 65_536 ? text.slice(0, 65_536) : text;
  } catch {
    return "";
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
