import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { buildExecutorServer } from "../../../src/executor/executor-server.js";
import type { ObservedJob } from "../../../src/executor/model.js";
import { handleWebhook } from "../../../src/executor/webhook-handler.js";
import { signWebhookBody } from "../../../src/github/webhook-signature.js";
import { createExecutorMetrics } from "../../../src/observability/executor-metrics.js";
import { createLogger } from "../../../src/observability/logger.js";
import { workflowJobPayload } from "../../helpers/workflow-job-payload.js";

const SECRET = "webhook-secret-for-tests";

function setup(options: { failRecord?: boolean } = {}) {
  const recorded: Array<{ deliveryId: string; job: ObservedJob }> = [];
  const lines: string[] = [];
  const log = createLogger({
    level: "debug",
    pretty: false,
    destination: new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }),
  });
  const metrics = createExecutorMetrics({ hostname: "mini-1", version: "0.0.0" });
  const warnedJobs = new Set<string>();
  const app = buildExecutorServer({
    log,
    maxBodyBytes: 64 * 1024,
    metrics,
    status: () => {
      throw new Error("not used");
    },
    forwarded: null,
    handleWebhook: (request) =>
      handleWebhook(request, {
        secret: SECRET,
        rules: {
          requiredLabels: ["tartelet"],
          aliases: {},
          allow: [],
          defaultCpu: null,
          defaultMemoryMiB: null,
        },
        record: async (deliveryId, job) => {
          if (options.failRecord === true) throw new Error("disk full");
          const duplicate = recorded.some((entry) => entry.deliveryId === deliveryId);
          recorded.push({ deliveryId, job });
          return duplicate ? "duplicate" : "recorded";
        },
        log,
        warnedJobs,
      }),
  });
  const deliver = (body: string | Buffer, headers: Record<string, string> = {}, url = "/") =>
    app.inject({
      method: "POST",
      url,
      payload: body,
      headers: {
        "content-type": "application/json",
        "x-github-event": "workflow_job",
        "x-github-delivery": "delivery-1",
        "x-hub-signature-256": signWebhookBody(SECRET, body),
        ...headers,
      },
    });
  return { app, recorded, lines, deliver, metrics };
}

const queued = (labels: string[], id = 4242) =>
  JSON.stringify(workflowJobPayload({ action: "queued", id, labels }));

describe("executor webhook endpoint", () => {
  it("accepts a matching queued job on / and /webhook and records it", async () => {
    const { deliver, recorded } = setup();
    const body = queued(["tartelet", "ghcr.io/cirruslabs/macos-sequoia-xcode:latest", "cpu:6"]);
    const response = await deliver(body);
    expect(response.statusCode).toBe(202);
    expect(recorded[0]?.job).toMatchObject({
      repo: "acme/app",
      jobId: 4242,
      status: "queued",
      spec: { image: "ghcr.io/cirruslabs/macos-sequoia-xcode:latest", cpu: 6 },
    });
    const again = await deliver(body, { "x-github-delivery": "delivery-2" }, "/webhook");
    expect(again.statusCode).toBe(202);
    expect(recorded).toHaveLength(2);
  });

  it("answers 401 and records nothing when the signature is missing, wrong or for other bytes", async () => {
    const { deliver, recorded, metrics } = setup();
    const body = queued(["tartelet", "ghcr.io/cirruslabs/macos-sequoia-base:latest"]);
    expect((await deliver(body, { "x-hub-signature-256": "" })).statusCode).toBe(401);
    expect((await deliver(body, { "x-hub-signature-256": signWebhookBody("other", body) })).statusCode).toBe(
      401,
    );
    expect(
      (await deliver(body, { "x-hub-signature-256": signWebhookBody(SECRET, `${body} `) })).statusCode,
    ).toBe(401);
    expect(recorded).toHaveLength(0);
    expect(await metrics.render()).toMatch(
      /tart_executor_webhooks_total\{[^}]*outcome="unauthorized"[^}]*\} 3/,
    );
  });

  it("answers ping with 200 and other events with 202 without recording", async () => {
    const { deliver, recorded } = setup();
    expect((await deliver("{}", { "x-github-event": "ping" })).statusCode).toBe(200);
    expect((await deliver("{}", { "x-github-event": "push" })).statusCode).toBe(202);
    expect(recorded).toHaveLength(0);
  });

  it("answers 202 for jobs that are not ours, logging only at debug level", async () => {
    const { deliver, recorded, lines } = setup();
    const response = await deliver(queued(["ubuntu-latest"]));
    expect(response.statusCode).toBe(202);
    expect(recorded).toHaveLength(0);
    expect(lines.filter((line) => /"level":"(warn|error)"/.test(line))).toEqual([]);
  });

  it("warns once per job whose labels cannot be matched, naming the job URL and reason", async () => {
    const { deliver, recorded, lines } = setup();
    const body = queued(["tartelet", "image-a", "image-b"], 77);
    await deliver(body);
    await deliver(body, { "x-github-delivery": "delivery-2" });
    expect(recorded).toHaveLength(0);
    const warnings = lines.filter((line) => line.includes('"level":"warn"'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("image-a");
    expect(warnings[0]).toContain(
      "html_url" in JSON.parse(body).workflow_job ? JSON.parse(body).workflow_job.html_url : "",
    );
  });

  it("answers 400 to malformed JSON or payloads, and records nothing", async () => {
    const { deliver, recorded } = setup();
    expect((await deliver("{not json")).statusCode).toBe(400);
    expect((await deliver(JSON.stringify({ action: "queued", workflow_job: { id: "x" } }))).statusCode).toBe(
      400,
    );
    expect((await deliver("{}", { "x-github-delivery": "" })).statusCode).toBe(400);
    expect(recorded).toHaveLength(0);
  });

  it("answers 413 to bodies over the limit", async () => {
    const { deliver, recorded } = setup();
    const response = await deliver(JSON.stringify({ padding: "x".repeat(70 * 1024) }));
    expect(response.statusCode).toBe(413);
    expect(recorded).toHaveLength(0);
  });

  it("accepts form-encoded deliveries (repository and organization hooks)", async () => {
    const { deliver, recorded } = setup();
    const form = `payload=${encodeURIComponent(queued(["tartelet", "ghcr.io/cirruslabs/macos-sequoia-base:latest"]))}`;
    const response = await deliver(form, { "content-type": "application/x-www-form-urlencoded" });
    expect(response.statusCode).toBe(202);
    expect(recorded).toHaveLength(1);
  });

  it("answers 503 (so GitHub records a failed delivery that can be redelivered) when recording fails", async () => {
    const { deliver } = setup({ failRecord: true });
    const response = await deliver(queued(["tartelet", "ghcr.io/cirruslabs/macos-sequoia-base:latest"]));
    expect(response.statusCode).toBe(503);
  });
});
