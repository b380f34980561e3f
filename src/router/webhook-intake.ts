/**
 * What the router answers GitHub. The signature is checked over the raw bytes before anything
 * else; a workflow_job carrying all of the router's labels is recorded durably (bytes and the
 * headers executors need) and only then acknowledged with 202. Dispatch happens afterwards.
 */
import type { Logger } from "pino";
import { matchJob } from "../github/label-matcher.js";
import { verifyWebhookSignature } from "../github/webhook-signature.js";
import { parseWorkflowJobEvent } from "../github/workflow-job-event.js";
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

const answer = (status: number, message: string, outcome: WebhookOutcome): IntakeResponse => ({
  status,
  body: { message },
  outcome,
});

export async function handleRouterWebhook(request: IntakeRequest, deps: IntakeDeps): Promise<IntakeResponse> {
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  if (
    deps.secret !== null &&
    !verifyWebhookSignature(deps.secret, request.rawBody, header("x-hub-signature-256"))
  )
    return answer(401, "missing or invalid X-Hub-Signature-256", "unauthorized");
  const event = header("x-github-event");
  const deliveryId = header("x-github-delivery");
  if (event === undefined || deliveryId === undefined || deliveryId === "")
    return answer(400, "missing X-GitHub-Event or X-GitHub-Delivery", "bad_request");
  if (event === "ping") return { status: 200, body: { message: "pong" }, outcome: "ignored" };
  if (event !== "workflow_job") return answer(202, `ignored ${event} event`, "ignored");
  let body: unknown;
  try {
    body = JSON.parse(payloadText(request.rawBody, header("content-type")));
  } catch {
    return answer(400, "body is not valid JSON", "bad_request");
  }
  const parsed = parseWorkflowJobEvent(body);
  if (!parsed.ok) return answer(400, parsed.error, "bad_request");
  const { action, job, repository } = parsed.event;
  if (action === "unknown") return answer(202, `ignored action ${parsed.event.rawAction}`, "ignored");
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

/** Repo and org hooks may be form-encoded: the JSON is then the `payload` field (github-api.md §1.1). */
function payloadText(raw: Buffer, contentType: string | undefined): string {
  if (contentType?.startsWith("application/x-www-form-urlencoded") === true)
    return new URLSearchParams(raw.toString("utf8")).get("payload") ?? "";
  return raw.toString("utf8");
}
