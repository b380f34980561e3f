/** The listener's calls to the simulated Actions service (see runner-protocol.ts). */
import type { JobAssignment } from "../../runner-protocol.js";
import { RUNNER_VERSION } from "../../runner-protocol.js";
import type { RunnerConfig } from "./runner-files.js";
import type { HttpAnswer } from "./runner-http.js";
import { httpRequest, withRetry } from "./runner-http.js";
import type { Terminal } from "./terminal.js";

/** The real listener long-polls for 50 s. */
export const POLL_WAIT_MS = 50_000;
const REQUEST_TIMEOUT_MS = 10_000;

export type JobResult = JobAssignment["result"] | "Canceled";

export interface ListenerApi {
  createSession(signal: AbortSignal): Promise<HttpAnswer>;
  nextJob(sessionId: string, signal: AbortSignal): Promise<HttpAnswer>;
  acquireJob(jobId: number, signal: AbortSignal): Promise<HttpAnswer>;
  /** One heartbeat, no retry: the next beat is the retry. */
  renewJob(jobId: number): Promise<HttpAnswer>;
  completeJob(jobId: number, result: JobResult, signal: AbortSignal): Promise<HttpAnswer>;
  /** Best effort, one attempt: going offline must not hang the exit. */
  deleteSession(sessionId: string): Promise<HttpAnswer>;
}

export function listenerApi(config: RunnerConfig, term: Terminal): ListenerApi {
  const base = `${config.settings.serverUrl.replace(/\/+$/, "")}/_sim/runners/${config.settings.agentId}`;
  const authorization = `Bearer ${config.credentials.data.token}`;
  const once = (
    method: string,
    path: string,
    body?: unknown,
    timeoutMs = REQUEST_TIMEOUT_MS,
    signal?: AbortSignal,
  ) =>
    httpRequest({
      method,
      url: `${base}${path}`,
      authorization,
      timeoutMs,
      ...(body === undefined ? {} : { body }),
      ...(signal === undefined ? {} : { signal }),
    });
  const retried = (signal: AbortSignal, method: string, path: string, body?: unknown, timeoutMs?: number) =>
    withRetry(() => once(method, path, body, timeoutMs, signal), term, signal);

  return {
    createSession: (signal) =>
      retried(signal, "POST", "/sessions", {
        name: config.settings.agentName,
        version: RUNNER_VERSION,
        os: "macOS",
        arch: "ARM64",
      }),
    nextJob: (sessionId, signal) =>
      retried(
        signal,
        "GET",
        `/sessions/${encodeURIComponent(sessionId)}/job?waitMs=${POLL_WAIT_MS}`,
        undefined,
        POLL_WAIT_MS + REQUEST_TIMEOUT_MS,
      ),
    acquireJob: (jobId, signal) => retried(signal, "POST", `/jobs/${jobId}/acquire`),
    renewJob: (jobId) => once("POST", `/jobs/${jobId}/renew`),
    completeJob: (jobId, result, signal) => retried(signal, "POST", `/jobs/${jobId}/complete`, { result }),
    deleteSession: (sessionId) => once("DELETE", `/sessions/${encodeURIComponent(sessionId)}`),
  };
}

/** The `message` of a GitHub-style error body, or the raw text. */
export function errorMessage(answer: HttpAnswer): string {
  try {
    const body = JSON.parse(answer.text) as { message?: unknown };
    if (typeof body.message === "string") return body.message;
  } catch {
    // not JSON
  }
  return answer.text.trim() === "" ? `HTTP ${answer.status}` : answer.text.trim();
}
