/** A real `workflow_job` payload from @octokit/webhooks-examples with the fields a test cares about changed. */
import { createRequire } from "node:module";

interface ExampleEvent {
  name: string;
  examples: Array<Record<string, unknown>>;
}

const examples = (createRequire(import.meta.url)("@octokit/webhooks-examples") as ExampleEvent[]).find(
  (event) => event.name === "workflow_job",
)?.examples;

export function workflowJobPayload(options: {
  action: "queued" | "waiting" | "in_progress" | "completed";
  id?: number;
  labels: string[];
  repo?: string;
  runnerName?: string | null;
  conclusion?: string | null;
}): Record<string, unknown> {
  const base = examples?.find((example) => example["action"] === "queued");
  if (base === undefined) throw new Error("no queued workflow_job example in @octokit/webhooks-examples");
  const payload = structuredClone(base) as Record<string, unknown> & {
    workflow_job: Record<string, unknown>;
    repository: Record<string, unknown> & { owner: Record<string, unknown> };
  };
  const [owner, name] = (options.repo ?? "acme/app").split("/") as [string, string];
  payload["action"] = options.action;
  payload.workflow_job["id"] = options.id ?? 4242;
  payload.workflow_job["labels"] = options.labels;
  payload.workflow_job["status"] = options.action;
  payload.workflow_job["runner_name"] = options.runnerName ?? null;
  payload.workflow_job["conclusion"] = options.conclusion ?? null;
  payload.repository["full_name"] = `${owner}/${name}`;
  payload.repository["name"] = name;
  payload.repository.owner["login"] = owner;
  return payload;
}
