import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { signWebhookBody } from "../../../src/github/webhook-signature.js";
import { createLogger } from "../../../src/observability/logger.js";
import { createRouterMetrics } from "../../../src/observability/router-metrics.js";
import { emptyRouterState } from "../../../src/router/router-ledger.js";
import type { JobFacts, StoredDelivery } from "../../../src/router/router-model.js";
import type { RecordResult } from "../../../src/router/router-engine.js";
import { buildRouterServer } from "../../../src/router/router-server.js";
import { handleRouterWebhook } from "../../../src/router/webhook-intake.js";
import { workflowJobPayload } from "../../helpers/workflow-job-payload.js";
import { policy } from "./support/fixtures.js";

const SECRET = "router-secret-for-tests";

function setup(options: { result?: RecordResult; fail?: boolean } = {}) {
  const recorded: Array<{ facts: JobFacts; delivery: StoredDelivery }> = [];
  let nudges = 0;
  const log = createLogger({
    level: "silent",
    pretty: false,
    destination: new Writable({ write: (_c, _e, done) => done() }),
  });
  const metrics = createRouterMetrics({ hostname: "router-1", version: "0.0.0" });
  const app = buildRouterServer({
    log,
    hostname: "router-1",
    version: "0.0.0",
    maxBodyBytes: 64 * 1024,
    metrics,
    state: () => emptyRouterState(policy(), 0),
    now: () => 0,
    nudge: () => (nudges += 1),
    handleWebhook: (request) =>
      handleRouterWebhook(request, {
        secret: SECRET,
        labels: ["tartelet"],
        log,
        record: async (facts, delivery) => {
          if (options.fail === true) throw new Error("disk full");
          recorded.push({ facts, delivery });
          return options.result ?? "accepted";
        },
      }),
  });
  const deliver = (body: string, headers: Record<string, string> = {}, url = "/") =>
    app.inject({
      method: "POST",
      url,
      payload: body,
      headers: {
        "content-type": "application/json",
        "x-github-event": "workflow_job",
        "x-github-delivery": "delivery-1",
        "x-github-hook-id": "9",
        "user-agent": "GitHub-Hookshot/abc",
        "x-hub-signature-256": signWebhookBody(SECRET, body),
        ...headers,
      },
    });
  return { app, deliver, recorded, metrics, nudges: () => nudges };
}

const job = (labels = ["self-hosted", "TARTELET", "sequoia"]) =>
  JSON.stringify(workflowJobPayload({ action: "queued", id: 77, labels, repo: "Acme/App" }));

describe("router webhook intake", () => {
  it("records a matching job with its bytes and forwardable headers, then answers 202", async () => {
    const { deliver, recorded } = setup();
    const body = job();
    const response = await deliver(body, { "x-not-forwarded": "1" }, "/webhook");
    expect(response.statusCode).toBe(202);
    expect(recorded).toHaveLength(1);
    const [{ facts, delivery }] = recorded as [(typeof recorded)[number]];
    expect(facts).toMatchObject({ key: "acme/app#77#1", jobId: 77, repo: "Acme/App" });
    expect(Buffer.from(delivery.body, "base64").toString("utf8")).toBe(body);
    expect(delivery.headers).toEqual({
      "content-type": "application/json",
      "x-github-event": "workflow_job",
      "x-github-delivery": "delivery-1",
      "x-github-hook-id": "9",
      "user-agent": "GitHub-Hookshot/abc",
      "x-hub-signature-256": signWebhookBody(SECRET, body),
    });
  });

  it("rejects a bad signature with 401 before reading the body", async () => {
    const { deliver, recorded } = setup();
    const response = await deliver("not json", { "x-hub-signature-256": `sha256=${"0".repeat(64)}` });
    expect(response.statusCode).toBe(401);
    expect(recorded).toEqual([]);
  });

  it("answers ping 200, other events and foreign labels 202, malformed bodies 400", async () => {
    const { deliver, recorded } = setup();
    expect((await deliver("{}", { "x-github-event": "ping" })).statusCode).toBe(200);
    expect((await deliver("{}", { "x-github-event": "push" })).statusCode).toBe(202);
    expect((await deliver(job(["ubuntu-latest"]))).statusCode).toBe(202);
    expect((await deliver("{nope")).statusCode).toBe(400);
    expect((await deliver(JSON.stringify({ action: "queued" }))).statusCode).toBe(400);
    expect(recorded).toEqual([]);
  });

  it("answers 503 when the delivery cannot be recorded, so GitHub shows a failure", async () => {
    const { deliver } = setup({ fail: true });
    expect((await deliver(job())).statusCode).toBe(503);
  });

  it("counts undeliverable jobs as rejected and duplicates as duplicate", async () => {
    const undeliverable = setup({ result: "undeliverable" });
    expect((await undeliverable.deliver(job())).statusCode).toBe(202);
    expect(await undeliverable.metrics.render()).toMatch(
      /tart_router_webhooks_total\{outcome="rejected"\} 1/,
    );
    const duplicate = setup({ result: "duplicate" });
    expect((await duplicate.deliver(job())).json()).toEqual({ message: "duplicate delivery" });
  });

  it("turns POST /runner into a status refresh", async () => {
    const { app, nudges } = setup();
    expect((await app.inject({ method: "POST", url: "/runner" })).statusCode).toBe(200);
    expect(nudges()).toBe(1);
  });

  it("refuses bodies over the limit with 413", async () => {
    const { deliver } = setup();
    expect((await deliver("x".repeat(70 * 1024))).statusCode).toBe(413);
  });
});
