/**
 * How every GitHub request is retried and observed (github-api.md §6): 5xx, 429, rate-limited 403s
 * and network errors are retried with backoff, honouring `retry-after` and `x-ratelimit-reset`;
 * other 4xx answers are final. Every attempt has a deadline (`attemptTimeoutMs`): a request GitHub
 * never answers is aborted and retried like a network error, so no caller waits forever. A caller's
 * own `request.signal` still ends the request at once, without a retry. Installed as an Octokit
 * plugin so it covers app and installation clients.
 */
import type { Octokit } from "@octokit/core";
import type { Clock } from "../clock.js";

export type GitHubRequestOutcome =
  "ok" | "client_error" | "server_error" | "rate_limited" | "network_error" | "timeout";

export interface GitHubRequestPolicy {
  readonly clock: Clock;
  /** Attempts per request, the first included. */
  readonly maxAttempts: number;
  /** First backoff; doubles per attempt. */
  readonly baseDelayMs: number;
  /** Never wait longer than this for one retry (a longer retry-after fails the request instead). */
  readonly maxDelayMs: number;
  /** How long one attempt may take before it is aborted (and retried). */
  readonly attemptTimeoutMs: number;
  readonly onRequest?: (event: {
    method: string;
    route: string;
    status: number | null;
    outcome: GitHubRequestOutcome;
    durationMs: number;
    rateLimitRemaining: number | null;
  }) => void;
}

interface HttpishError {
  status?: number;
  response?: { headers?: Record<string, string | number | undefined> };
}

/** Seconds to wait before retrying, or null when the answer must not be retried. */
export function retryDelayMs(error: unknown, attempt: number, policy: GitHubRequestPolicy): number | null {
  const { status, response } = (error ?? {}) as HttpishError;
  const headers = response?.headers ?? {};
  const retryAfter = Number(headers["retry-after"]);
  const remaining = headers["x-ratelimit-remaining"];
  const reset = Number(headers["x-ratelimit-reset"]);
  const backoff = policy.baseDelayMs * 2 ** (attempt - 1);
  if (status === undefined) return backoff; // network error or timeout
  const rateLimited =
    status === 429 || (status === 403 && (headers["retry-after"] !== undefined || String(remaining) === "0"));
  if (rateLimited) {
    if (Number.isFinite(retryAfter)) return retryAfter * 1000;
    if (String(remaining) === "0" && Number.isFinite(reset))
      return Math.max(0, reset * 1000 - policy.clock.now());
    return Math.max(backoff, 60_000);
  }
  if (status >= 500) return backoff;
  return null;
}

/** 429, or a 403 that carries retry-after or an exhausted rate limit (secondary/primary limits). */
function isRateLimited(error: unknown): boolean {
  const { status, response } = (error ?? {}) as HttpishError;
  const headers = response?.headers ?? {};
  if (status === 429) return true;
  return (
    status === 403 &&
    (headers["retry-after"] !== undefined || String(headers["x-ratelimit-remaining"]) === "0")
  );
}

function outcomeOf(error: unknown, timedOut: boolean): GitHubRequestOutcome {
  if (timedOut) return "timeout";
  const status = (error as HttpishError).status;
  if (status === undefined) return "network_error";
  if (isRateLimited(error)) return "rate_limited";
  return status >= 500 ? "server_error" : "client_error";
}

interface RequestOptionsWithSignal {
  request?: { signal?: AbortSignal | null | undefined } & Record<string, unknown>;
}

/** An Octokit plugin applying the policy to every request of every client built from the class. */
export function requestPolicyPlugin(policy: GitHubRequestPolicy) {
  return (octokit: Octokit): void => {
    octokit.hook.wrap("request", async (request, options) => {
      const route = String(options.url);
      const method = String(options.method);
      // Hooks further in receive this very object (before-after-hook binds it), so the per-attempt
      // signal is set on it rather than on a copy.
      const withSignal = options as RequestOptionsWithSignal;
      const callerSignal = withSignal.request?.signal ?? undefined;
      for (let attempt = 1; ; attempt += 1) {
        const started = policy.clock.now();
        const deadline = AbortSignal.timeout(policy.attemptTimeoutMs);
        withSignal.request = {
          ...withSignal.request,
          signal: callerSignal === undefined ? deadline : AbortSignal.any([callerSignal, deadline]),
        };
        try {
          const response = await request(options);
          const remaining = Number(response.headers["x-ratelimit-remaining"]);
          policy.onRequest?.({
            method,
            route,
            status: response.status,
            outcome: "ok",
            durationMs: policy.clock.now() - started,
            rateLimitRemaining: Number.isFinite(remaining) ? remaining : null,
          });
          return response;
        } catch (caught) {
          if (callerSignal?.aborted === true) throw caught;
          const timedOut = deadline.aborted;
          // Octokit reports an aborted fetch as status 500; it is a timeout, retried as a network error.
          const error = timedOut ? timeoutError(method, route, policy.attemptTimeoutMs, caught) : caught;
          const headers = (error as HttpishError).response?.headers ?? {};
          const remaining = Number(headers["x-ratelimit-remaining"]);
          policy.onRequest?.({
            method,
            route,
            status: (error as HttpishError).status ?? null,
            outcome: outcomeOf(error, timedOut),
            durationMs: policy.clock.now() - started,
            rateLimitRemaining: Number.isFinite(remaining) ? remaining : null,
          });
          const delay = retryDelayMs(error, attempt, policy);
          if (delay === null || attempt >= policy.maxAttempts || delay > policy.maxDelayMs) throw error;
          await policy.clock.sleep(delay);
        }
      }
    });
  };
}

/** An attempt GitHub did not answer in time: no status (so it is retried like a network error). */
export class GitHubTimeoutError extends Error {
  override readonly name = "GitHubTimeoutError";
}

/** The error for an attempt that timed out, saying what timed out. */
function timeoutError(method: string, route: string, timeoutMs: number, cause: unknown): Error {
  return new GitHubTimeoutError(`GitHub did not answer ${method} ${route} within ${timeoutMs / 1000} s`, {
    cause,
  });
}
