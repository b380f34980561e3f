/**
 * What the router answers GitHub. The signature is checked over the raw bytes before anything
 * else; a workflow_job carrying all of the router's labels is recorded durably (bytes and the
 * headers executors need) and only then acknowledged with 202. Dispatch happens afterwards.
 */
import type { Logger } from "pino";
import { matchJob } from "../github/label-matcher.js";
import { deliveryAnswer, readWorkflowJobDelivery } from "../github/workflow-job-delivery.js";
import type { WebhookOutcome } from "../observability/metric-outcomes.js";
import type { RecordResult } from "./router-engine.js";
import { jobKey, type JobFacts, type StoredDelivery } from "./router-model.js";

/** GitHub's headers that go with a forwarded delivery (router-protocol.ts). */
export const FORWARDED_HEADERS = [
  "content-type",
  "x-github-event",
  "x-github-delivery",
  "x-hub-signature-256",
  "x-github-hook-id",
  "x-github-hook-installation-target-type",
  "x-github-hook-installation-target-id",
  "user-agent",
] as const;

export interface IntakeRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly rawBody: Buffer;
}

export interface IntakeResponse {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  readonly outcome: WebhookOutcome;
}

export interface IntakeDeps {
  /** Null only when insecureSkipSignatureVerification is set. */
  readonly secret: string | null;
  readonly labels: readonly string[];
  readonly record: (facts: JobFacts, delivery: StoredDelivery) => Promise<RecordResult>;
  readonly log: Logger;
}

const answer = deliveryAnswer;

export async function handleRouterWebhook(request: IntakeRequest, deps: IntakeDeps): Promise<IntakeResponse> {
  const read = readWorkflowJobDelivery(request, deps.secret);
  if (!read.ok) return read.answer;
  const { deliveryId, event, header } = read;
  const { action, job, repository } = event;
  if (action === "unknown") return answer(202, `ignored action ${event.rawAction}`, "ignored");
  // Plain fields, not a child logger: creating one per delivery costs more than the rest of the intake.
  const about = { delivery: deliveryId, repo: repository.fullName, githubJob: job.id };
  // Only the required-labels part of matching: images and resources are the executors' business.
  const labels = matchJob(job.labels, {
    requiredLabels: deps.labels,
    aliases: {},
    allow: [],
    defaultCpu: null,
    defaultMemoryMiB: null,
  });
  if (labels.kind === "ignore") {
    deps.log.debug({ ...about, reason: labels.reason }, "job is not for this router");
    return answer(202, "ignored: labels do not match", "ignored");
  }
  const facts: JobFacts = {
    key: jobKey(repository.fullName, job.id, job.runAttempt),
    repo: repository.fullName,
    jobId: job.id,
    runAttempt: job.runAttempt,
    labels: job.labels,
    runnerName: job.runnerName,
    htmlUrl: job.htmlUrl,
  };
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = header(name);
    if (value !== undefined) headers[name] = value;
  }
  const delivery: StoredDelivery = {
    id: deliveryId,
    action,
    headers,
    body: request.rawBody.toString("base64"),
  };
  const result = await deps.record(facts, delivery);
  // One info line per job outcome comes from the forward; this one is for tracing.
  deps.log.debug({ ...about, action, result }, "workflow job");
  if (result === "duplicate") return answer(202, "duplicate delivery", "duplicate");
  if (result === "undeliverable") return answer(202, "accepted, but no executor can ever run it", "rejected");
  return answer(202, "accepted", "accepted");
}
