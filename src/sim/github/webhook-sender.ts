/**
 * One webhook POST the way GitHub's Hookshot sends it: JSON body, `X-Hub-Signature-256` over the
 * exact bytes sent, GitHub's headers, and a 10 s deadline after which the attempt counts as failed.
 */
import { createHmac } from "node:crypto";
import type { Clock } from "../../clock.js";
import { sleepUnlessAborted } from "./changes.js";

export const DELIVERY_TIMEOUT_MS = 10_000;

/** `sha256=<hex HMAC-SHA256(secret, body)>` */
export function signature256(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export interface HookHeaders {
  readonly event: string;
  readonly guid: string;
  readonly hookId: number;
  readonly appId: number;
  readonly secret: string;
  readonly body: string;
}

export function webhookHeaders(h: HookHeaders): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/fake",
    "x-github-event": h.event,
    "x-github-delivery": h.guid,
    "x-github-hook-id": String(h.hookId),
    "x-github-hook-installation-target-type": "integration",
    "x-github-hook-installation-target-id": String(h.appId),
    // GitHub sends the signature only when the hook has a secret.
    ...(h.secret === "" ? {} : { "x-hub-signature-256": signature256(h.secret, h.body) }),
  };
}

export interface WebhookResult {
  /** Null when no HTTP answer arrived (refused, reset, timed out). */
  readonly statusCode: number | null;
  readonly responseHeaders: Readonly<Record<string, string>>;
  readonly responseBody: string;
  readonly durationMs: number;
  readonly error: string | undefined;
}

export async function postWebhook(
  url: string,
  headers: Readonly<Record<string, string>>,
  body: string,
  options: { readonly clock: Clock; readonly signal: AbortSignal; readonly timeoutMs?: number },
): Promise<WebhookResult> {
  const started = options.clock.now();
  const deadline = new AbortController();
  const stopTimer = new AbortController();
  const timer = sleepUnlessAborted(
    options.clock,
    options.timeoutMs ?? DELIVERY_TIMEOUT_MS,
    stopTimer.signal,
  ).then((elapsed) => {
    if (elapsed) deadline.abort(new Error("timed out"));
  });
  const signal = AbortSignal.any([deadline.signal, options.signal]);
  try {
    const response = await fetch(url, { method: "POST", headers, body, signal, redirect: "manual" });
    const responseBody = await response.text();
    return {
      statusCode: response.status,
      responseHeaders: Object.fromEntries(response.headers),
      responseBody,
      durationMs: options.clock.now() - started,
      error: undefined,
    };
  } catch (error) {
    const reason = deadline.signal.aborted
      ? "timed out"
      : error instanceof Error
        ? causeOf(error)
        : String(error);
    return {
      statusCode: null,
      responseHeaders: {},
      responseBody: "",
      durationMs: options.clock.now() - started,
      error: reason,
    };
  } finally {
    stopTimer.abort();
    await timer;
  }
}

/** undici hides the socket error (ECONNREFUSED…) in `cause`. */
function causeOf(error: Error): string {
  const cause = error.cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
