/**
 * What the executor answers to a webhook delivery. The signature is checked over the raw bytes
 * before anything else; a matching workflow_job is recorded durably before the 202, and all tart
 * and GitHub work happens afterwards, in the background (github-api.md §1.3).
 */
import type { Logger } from "pino";
import { matchJob, type MatchRules } from "../github/label-matcher.js";
import { verifyWebhookSignature } from "../github/webhook-signature.js";
import { parseWorkflowJobEvent, type WorkflowJobEvent } from "../github/workflow-job-event.js";
import type { WebhookOutcome } from "../observability/metric-outcomes.js";
import type { JobStatus, ObservedJob } from "./model.js";

export interface WebhookRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly rawBody: Buffer;
}

export interface WebhookResponse {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  readonly outcome: WebhookOutcome;
}

export interface WebhookHandlerDeps {
  /** Null only when `webhook.insecureSkipSignatureVerification` is set. */
  readonly secret: string | null;
  readonly rules: MatchRules;
  readonly record: (deliveryId: string, job: ObservedJob) => Promise<"recorded" | "duplicate">;
  readonly log: Logger;
  /** Remembers which unusable jobs were already warned about (one warning per job). */
  readonly warnedJobs?: Set<string>;
}

const STATUS_BY_ACTION: Readonly<Record<WorkflowJobEvent["action"] & string, JobStatus | null>> = {
  queued: "queued",
  waiting: "waiting",
  in_progress: "in_progress",
  completed: "completed",
  unknown: null,
};

export async function handleWebhook(
  request: WebhookRequest,
  deps: WebhookHandlerDeps,
): Promise<WebhookResponse> {
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  if (
    deps.secret !== null &&
    !verifyWebhookSignature(deps.secret, request.rawBody, header("x-hub-signature-256"))
  )
    return {
      status: 401,
      body: { message: "missing or invalid X-Hub-Signature-256" },
      outcome: "unauthorized",
    };
  const event = header("x-github-event");
  const deliveryId = header("x-github-delivery");
  if (event === undefined || deliveryId === undefined)
    return {
      status: 400,
      body: { message: "missing X-GitHub-Event or X-GitHub-Delivery" },
      outcome: "bad_request",
    };
  if (event === "ping") return { status: 200, body: { message: "pong" }, outcome: "ignored" };
  if (event !== "workflow_job")
    return { status: 202, body: { message: `ignored ${event} event` }, outcome: "ignored" };
  let body: unknown;
  try {
    body = JSON.parse(payloadText(request.rawBody, header("content-type")));
  } catch {
    return { status: 400, body: { message: "body is not valid JSON" }, outcome: "bad_request" };
  }
  const parsed = parseWorkflowJobEvent(body);
  if (!parsed.ok) return { status: 400, body: { message: parsed.error }, outcome: "bad_request" };
  const { job, repository } = parsed.event;
  const status = STATUS_BY_ACTION[parsed.event.action];
  if (status === null)
    return { status: 202, body: { message: `ignored action ${parsed.event.rawAction}` }, outcome: "ignored" };
  const match = matchJob(job.labels, deps.rules);
  const log = deps.log.child({ delivery: deliveryId, repo: repository.fullName, githubJob: job.id });
  if (match.kind === "ignore") {
    log.debug({ reason: match.reason }, "job is not for this executor");
    return { status: 202, body: { message: "ignored: labels do not match" }, outcome: "ignored" };
  }
  if (match.kind === "reject") {
    const key = `${repository.fullName.toLowerCase()}#${job.id}#${job.runAttempt}`;
    if (deps.warnedJobs === undefined || !deps.warnedJobs.has(key)) {
      deps.warnedJobs?.add(key);
      if (deps.warnedJobs !== undefined && deps.warnedJobs.size > 10_000) deps.warnedJobs.clear();
      log.warn(
        { url: job.htmlUrl, labels: job.labels, reason: match.reason },
        "ignoring job that cannot be matched",
      );
    }
    return { status: 202, body: { message: `ignored: ${match.reason}` }, outcome: "rejected" };
  }
  const observed: ObservedJob = {
    repo: repository.fullName,
    jobId: job.id,
    runId: job.runId,
    runAttempt: job.runAttempt,
    name: job.name,
    htmlUrl: job.htmlUrl,
    status,
    conclusion: job.conclusion,
    runnerName: job.runnerName,
    spec: match.spec,
  };
  const result = await deps.record(deliveryId, observed);
  log.info(
    { action: parsed.event.action, image: match.spec.image, duplicate: result === "duplicate" },
    "workflow job",
  );
  return {
    status: 202,
    body: { message: result === "duplicate" ? "duplicate delivery" : "accepted" },
    outcome: result === "duplicate" ? "duplicate" : "accepted",
  };
}

/** Repo and org hooks may be form-encoded: the JSON is then the `payload` field (github-api.md §1.1). */
function payloadText(raw: Buffer, contentType: string | undefined): string {
  if (contentType?.startsWith("application/x-www-form-urlencoded") === true)
    return new URLSearchParams(raw.toString("utf8")).get("payload") ?? "";
  return raw.toString("utf8");
}
