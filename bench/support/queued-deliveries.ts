/**
 * Signed `workflow_job` `queued` deliveries with unique job ids, cheap enough to make on the load
 * generator's hot path: the payload (a real one from @octokit/webhooks-examples, ~7 KB, built by
 * test/helpers/workflow-job-payload.ts) is serialised once with a sentinel job id, and each
 * delivery only splices its id in and signs the bytes.
 */
import { randomUUID } from "node:crypto";
import { signWebhookBody } from "../../src/github/webhook-signature.js";
import { workflowJobPayload } from "../../test/helpers/workflow-job-payload.js";

export const BENCH_LABELS = ["tartelet", "ghcr.io/cirruslabs/macos-sequoia-xcode:latest"];

export interface Delivery {
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

const SENTINEL = 987_654_320_123_456;

export function queuedDeliveries(secret: string): (jobId: number) => Delivery {
  const template = JSON.stringify(
    workflowJobPayload({ action: "queued", id: SENTINEL, labels: BENCH_LABELS, repo: "acme/app" }),
  );
  const parts = template.split(`"id":${SENTINEL}`);
  if (parts.length !== 2) throw new Error("the job id sentinel must appear exactly once in the payload");
  const [head, tail] = parts as [string, string];
  return (jobId) => {
    const body = Buffer.from(`${head}"id":${jobId}${tail}`, "utf8");
    return {
      body,
      headers: {
        "content-type": "application/json",
        "content-length": String(body.length),
        "user-agent": "GitHub-Hookshot/bench",
        "x-github-event": "workflow_job",
        "x-github-delivery": randomUUID(),
        "x-github-hook-id": "400000001",
        "x-hub-signature-256": signWebhookBody(secret, body),
      },
    };
  };
}
