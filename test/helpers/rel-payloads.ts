/**
 * Real `workflow_job` payloads (@octokit/webhooks-examples) with the fields a reliability test
 * varies, and GitHub-style headers with the HMAC signature of the exact body bytes.
 */
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { signWebhookBody } from "../../src/github/webhook-signature.js";

interface ExampleEvent {
  name: string;
  examples: Array<Record<string, unknown>>;
}

const require = createRequire(import.meta.url);
const examples = (require("@octokit/webhooks-examples") as ExampleEvent[]).find(
  (event) => event.name === "workflow_job",
)?.examples;

/** Every workflow_job example payload GitHub documents (for mutation-based fuzzing). */
export const WORKFLOW_JOB_EXAMPLES: ReadonlyArray<Record<string, unknown>> = examples ?? [];

export type JobAction = "queued" | "waiting" | "in_progress" | "completed";

export interface JobFields {
  readonly action: JobAction;
  readonly id: number;
  readonly labels: readonly string[];
  readonly repo?: string;
  readonly runId?: number;
  readonly runAttempt?: number;
  readonly runnerName?: string | null;
  readonly conclusion?: string | null;
}

export function workflowJobPayload(fields: JobFields): Record<string, unknown> {
  const base = WORKFLOW_JOB_EXAMPLES.find((example) => example["action"] === "queued");
  if (base === undefined) throw new Error("no queued workflow_job example in @octokit/webhooks-examples");
  const payload = structuredClone(base) as Record<string, unknown> & {
    workflow_job: Record<string, unknown>;
    repository: Record<string, unknown> & { owner: Record<string, unknown> };
  };
  const [owner, name] = (fields.repo ?? "acme/app").split("/") as [string, string];
  payload["action"] = fields.action;
  payload.workflow_job["id"] = fields.id;
  payload.workflow_job["run_id"] = fields.runId ?? fields.id + 1_000_000;
  payload.workflow_job["run_attempt"] = fields.runAttempt ?? 1;
  payload.workflow_job["labels"] = [...fields.labels];
  payload.workflow_job["status"] = fields.action;
  payload.workflow_job["runner_name"] = fields.runnerName ?? null;
  payload.workflow_job["conclusion"] =
    fields.conclusion ?? (fields.action === "completed" ? "success" : null);
  payload.workflow_job["html_url"] =
    `https://github.com/${owner}/${name}/actions/runs/${String(payload.workflow_job["run_id"])}/job/${fields.id}`;
  payload.repository["full_name"] = `${owner}/${name}`;
  payload.repository["name"] = name;
  payload.repository.owner["login"] = owner;
  return payload;
}

/** GitHub's headers for a delivery of `body` (signed with `secret`, or unsigned when null). */
export function deliveryHeaders(
  body: string | Buffer,
  secret: string | null,
  event = "workflow_job",
  deliveryId: string = randomUUID(),
): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/reliability",
    "x-github-event": event,
    "x-github-delivery": deliveryId,
    ...(secret === null ? {} : { "x-hub-signature-256": signWebhookBody(secret, body) }),
  };
}
