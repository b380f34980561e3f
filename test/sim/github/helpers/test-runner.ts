/**
 * A minimal runner speaking src/sim/runner-protocol.ts over HTTP, so tests can drive the fake's
 * listener endpoints the way the runner stand-in does (the real stand-in is another module).
 */
import {
  decodeJitConfig,
  type JobAssignment,
  type RunnerCredentials,
  type RunnerSettings,
} from "../../../../src/sim/runner-protocol.js";
import { call, type HttpResult } from "./http.js";

export class TestRunner {
  readonly settings: RunnerSettings;
  readonly credentials: RunnerCredentials;
  sessionId: string | undefined;

  constructor(settings: RunnerSettings, credentials: RunnerCredentials) {
    this.settings = settings;
    this.credentials = credentials;
  }

  static fromJit(encoded: string): TestRunner {
    const { runner, credentials } = decodeJitConfig(encoded);
    return new TestRunner(runner, credentials);
  }

  get id(): number {
    return this.settings.agentId;
  }

  #call(method: string, path: string, body?: unknown): Promise<HttpResult> {
    return call(method, `${this.settings.serverUrl}/_sim/runners/${this.id}${path}`, {
      auth: `Bearer ${this.credentials.data.token}`,
      ...(body === undefined ? {} : { body }),
    });
  }

  async connect(): Promise<HttpResult> {
    const result = await this.#call("POST", "/sessions");
    if (result.status === 201) this.sessionId = (result.body as { sessionId: string }).sessionId;
    return result;
  }

  async poll(waitMs = 2000): Promise<HttpResult> {
    return this.#call("GET", `/sessions/${this.sessionId ?? "none"}/job?waitMs=${waitMs}`);
  }

  /** Polls until an assignment arrives (or the deadline passes). */
  async nextJob(timeoutMs = 10_000): Promise<JobAssignment> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const result = await this.poll(Math.min(2000, Math.max(1, deadline - Date.now())));
      if (result.status === 200) return result.body as JobAssignment;
      if (result.status !== 204) throw new Error(`poll answered ${result.status}: ${result.text}`);
    }
    throw new Error(`runner ${this.settings.agentName} got no job within ${timeoutMs} ms`);
  }

  acquire(jobId: number): Promise<HttpResult> {
    return this.#call("POST", `/jobs/${jobId}/acquire`);
  }

  renew(jobId: number): Promise<HttpResult> {
    return this.#call("POST", `/jobs/${jobId}/renew`);
  }

  complete(jobId: number, result: "Succeeded" | "Failed" | "Canceled"): Promise<HttpResult> {
    return this.#call("POST", `/jobs/${jobId}/complete`, { result });
  }

  disconnect(): Promise<HttpResult> {
    return this.#call("DELETE", `/sessions/${this.sessionId ?? "none"}`);
  }

  /** Acquires, renews every `renewMs` while the job "runs", completes; honours cancellation. */
  async run(job: JobAssignment, renewMs = 100): Promise<"Succeeded" | "Failed" | "Canceled"> {
    const acquired = await this.acquire(job.jobId);
    if (acquired.status !== 200) throw new Error(`acquire answered ${acquired.status}: ${acquired.text}`);
    const end = Date.now() + job.durationMs;
    let result: "Succeeded" | "Failed" | "Canceled" = job.result;
    while (Date.now() < end) {
      const renewed = await this.renew(job.jobId);
      if ((renewed.body as { cancelled?: boolean } | undefined)?.cancelled === true) {
        result = "Canceled";
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(renewMs, Math.max(0, end - Date.now()))));
    }
    await this.complete(job.jobId, result);
    return result;
  }
}
