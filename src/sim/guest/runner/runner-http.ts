/**
 * HTTP for the runner stand-in: one bounded request, and a retry loop that, like the real
 * listener, keeps retrying network failures and 5xx answers with backoff ("Retrying until
 * reconnected"), logging each retry, until it gets an answer or its signal aborts.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { RUNNER_VERSION } from "../../runner-protocol.js";
import type { Terminal } from "./terminal.js";
import { runnerTimestamp } from "./terminal.js";

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization: string;
  readonly body?: unknown;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export const USER_AGENT = `GitHubActionsRunner-osx-arm64/${RUNNER_VERSION}`;

export async function httpRequest(request: HttpRequest): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const headers: Record<string, string> = {
    Authorization: request.authorization,
    "User-Agent": USER_AGENT,
    Accept: "application/json",
  };
  if (request.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(request.url, {
    method: request.method,
    headers,
    ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    signal: request.signal === undefined ? timeout : AbortSignal.any([request.signal, timeout]),
  });
  return { status: response.status, text: await response.text() };
}

/** Retries network errors and 5xx answers with capped exponential backoff, until `signal` aborts. */
export async function withRetry(
  attempt: () => Promise<HttpAnswer>,
  term: Terminal,
  signal: AbortSignal,
): Promise<HttpAnswer> {
  for (let failures = 0; ; failures += 1) {
    let problem: string;
    try {
      const answer = await attempt();
      if (answer.status < 500) {
        if (failures > 0) term.stamped("Runner reconnected.");
        return answer;
      }
      problem = `Response status code does not indicate success: ${answer.status}`;
    } catch (error) {
      signal.throwIfAborted();
      problem = describeError(error);
    }
    term.error(`${runnerTimestamp()}: Runner connect error: ${problem}. Retrying until reconnected.`);
    await sleep(Math.min(500 * 2 ** failures, 5_000), undefined, { signal });
  }
}

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
