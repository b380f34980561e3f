/**
 * What the executor answers to a webhook delivery. The signature is checked over the raw bytes
 * before anything else; a matching workflow_job is recorded durably before the 202, and all tart
 * and GitHub work happens afterwards, in the background (github-api.md §1.3).
 */
import type { Logger } from "pino";
import { matchJob, type MatchRules } from "../github/label-matcher.js";
import { deliveryAnswer, readWorkflowJobDelivery } from "../github/workflow-job-delivery.js";
import type { WorkflowJobEvent } from "../github/workflow-job-event.js";
import type { WebhookOutcome } from "../observability/metric-outcomes.js";
import type { CapacitySummary, ForwardAnswer, ForwardResult } from "../shared/router-protocol.js";
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

/** A delivery either answered early (not ours, invalid…) or a matching job to record. */
type Interpretation =
  | { readonly kind: "answer"; readonly response: WebhookResponse }
  | { readonly kind: "job"; readonly deliveryId: string; readonly job: ObservedJob; readonly log: Logger };

async function interpret(request: WebhookRequest, deps: WebhookHandlerDeps): Promise<Interpretation> {
  const answer = (status: number, message: string, outcome: WebhookOutcome): Interpretation => ({
    kind: "answer",
    response: deliveryAnswer(status, message, outcome),
  });
  const delivery = readWorkflowJobDelivery(request, deps.secret);
  if (!delivery.ok) return { kind: "answer", response: delivery.answer };
  const { deliveryId, event } = delivery;
  const { job, repository } = event;
  const status = STATUS_BY_ACTION[event.action];
  if (status === null) return answer(202, `ignored action ${event.rawAction}`, "ignored");
  const match = matchJob(job.labels, deps.rules);
  const log = deps.log.child({ delivery: deliveryId, repo: repository.fullName, githubJob: job.id });
  if (match.kind === "ignore") {
    log.debug({ reason: match.reason }, "job is not for this executor");
    return answer(202, "ignored: labels do not match", "ignored");
  }
  if (match.kind === "reject") {
    const key = `${repository.fullName.toLowerCase()}#${job.id}#${job.runAttempt}`;
    if (deps.warnedJobs === undefined || !deps.warnedJobs.has(key)) {
      if (deps.warnedJobs !== undefined && deps.warnedJobs.size > 10_000) deps.warnedJobs.clear();
      deps.warnedJobs?.add(key);
      log.warn(
        { url: job.htmlUrl, labels: job.labels, reason: match.reason },
        "ignoring job that cannot be matched",
      );
    }
    return answer(202, `ignored: ${match.reason}`, "rejected");
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
  return { kind: "job", deliveryId, job: observed, log };
}

/** A delivery straight from GitHub. */
export async function handleWebhook(
  request: WebhookRequest,
  deps: WebhookHandlerDeps,
): Promise<WebhookResponse> {
  const interpretation = await interpret(request, deps);
  if (interpretation.kind === "answer") return interpretation.response;
  const { deliveryId, job, log } = interpretation;
  const result = await deps.record(deliveryId, job);
  log.info({ status: job.status, image: job.spec.image, duplicate: result === "duplicate" }, "workflow job");
  return {
    status: 202,
    body: { message: result === "duplicate" ? "duplicate delivery" : "accepted" },
    outcome: result === "duplicate" ? "duplicate" : "accepted",
  };
}

/**
 * A delivery forwarded by tart-router (src/shared/router-protocol.ts): same checks, but a new
 * queued job is recorded only if this host can start a VM for it now; otherwise the answer is
 * `full` and the router tries another host.
 */
export async function handleForwardedWebhook(
  request: WebhookRequest,
  deps: WebhookHandlerDeps & { admit: (job: ObservedJob) => boolean; capacity: () => CapacitySummary },
): Promise<WebhookResponse> {
  const interpretation = await interpret(request, deps);
  const forwardAnswer = (result: ForwardResult, message: string): ForwardAnswer => ({
    result,
    message,
    capacity: deps.capacity(),
  });
  if (interpretation.kind === "answer") {
    const { response } = interpretation;
    if (response.status >= 400) return response;
    return {
      ...response,
      status: 200,
      body: { ...forwardAnswer("ignored", String(response.body["message"])) },
    };
  }
  const { deliveryId, job, log } = interpretation;
  if (job.status === "queued" && !deps.admit(job)) {
    log.debug("forwarded job refused: host is full");
    return { status: 200, body: { ...forwardAnswer("full", "no free slot") }, outcome: "ignored" };
  }
  const result = await deps.record(deliveryId, job);
  log.info(
    { status: job.status, image: job.spec.image, forwarded: true, duplicate: result === "duplicate" },
    "workflow job",
  );
  const kind: ForwardResult =
    result === "duplicate" ? "duplicate" : job.status === "queued" ? "accepted" : "recorded";
  return {
    status: 200,
    body: { ...forwardAnswer(kind, kind) },
    outcome: result === "duplicate" ? "duplicate" : "accepted",
  };
}
