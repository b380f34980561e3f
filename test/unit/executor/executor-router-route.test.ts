import { describe, expect, it } from "vitest";
import { buildExecutorServer } from "../../../src/executor/executor-server.js";
import type { ObservedJob } from "../../../src/executor/model.js";
import { handleForwardedWebhook } from "../../../src/executor/webhook-handler.js";
import { signWebhookBody } from "../../../src/github/webhook-signature.js";
import { createExecutorMetrics } from "../../../src/observability/executor-metrics.js";
import { createLogger } from "../../../src/observability/logger.js";
import type { CapacitySummary } from "../../../src/shared/router-protocol.js";
import { workflowJobPayload } from "../../helpers/workflow-job-payload.js";

const SECRET = "webhook-secret-for-tests";
const TOKEN = "router-token-for-tests";

function setup(freeSlots: () => number) {
  const recorded: ObservedJob[] = [];
  const log = createLogger({ level: "silent", pretty: false });
  const capacity = (): CapacitySummary => ({
    accepting: true,
    virtualMachineLimit: 2,
    activeVirtualMachines: 2 - freeSlots(),
    freeSlots: freeSlots(),
    uncoveredJobs: 0,
    cpuLimit: null,
    cpuUsed: 0,
    totalMemory: null,
    memoryUsed: 0,
  });
  const app = buildExecutorServer({
    log,
    maxBodyBytes: 1 << 20,
    metrics: createExecutorMetrics({ hostname: "mini-1", version: "0.0.0" }),
    status: () => {
      throw new Error("not used");
    },
    handleWebhook: () => Promise.reject(new Error("not used")),
    forwarded: {
      token: TOKEN,
      handle: (request) =>
        handleForwardedWebhook(request, {
          secret: SECRET,
          rules: {
            requiredLabels: ["tartelet"],
            aliases: {},
            allow: [],
            defaultCpu: null,
            defaultMemoryMiB: null,
          },
          record: async (_deliveryId, job) => {
            recorded.push(job);
            return "recorded";
          },
          log,
          capacity,
          admit: () => freeSlots() > 0,
        }),
    },
  });
  const forward = (action: "queued" | "in_progress", headers: Record<string, string> = {}) => {
    const body = JSON.stringify(
      workflowJobPayload({ action, labels: ["tartelet", "ghcr.io/cirruslabs/macos-sequoia-base:latest"] }),
    );
    return app.inject({
      method: "POST",
      url: "/router",
      payload: body,
      headers: {
        "content-type": "application/json",
        "x-github-event": "workflow_job",
        "x-github-delivery": `d-${action}`,
        "x-hub-signature-256": signWebhookBody(SECRET, body),
        authorization: `Bearer ${TOKEN}`,
        ...headers,
      },
    });
  };
  return { forward, recorded };
}

describe("executor POST /router (jobs forwarded by tart-router)", () => {
  it("refuses callers without the router token, even with a valid webhook signature", async () => {
    const { forward, recorded } = setup(() => 1);
    expect((await forward("queued", { authorization: "" })).statusCode).toBe(401);
    expect((await forward("queued", { authorization: "Bearer wrong" })).statusCode).toBe(401);
    expect(recorded).toHaveLength(0);
  });

  it("still checks the webhook signature of the forwarded bytes", async () => {
    const { forward, recorded } = setup(() => 1);
    expect((await forward("queued", { "x-hub-signature-256": "sha256=00" })).statusCode).toBe(401);
    expect(recorded).toHaveLength(0);
  });

  it("accepts a queued job while it has a free slot and reports its capacity", async () => {
    const { forward, recorded } = setup(() => 1);
    const response = await forward("queued");
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ result: "accepted", capacity: { freeSlots: 1 } });
    expect(recorded).toHaveLength(1);
  });

  it("answers full without recording when it has no room, so the router tries another host", async () => {
    const { forward, recorded } = setup(() => 0);
    const response = await forward("queued");
    expect(response.json()).toMatchObject({ result: "full", capacity: { freeSlots: 0 } });
    expect(recorded).toHaveLength(0);
  });

  it("always records later events of a job, full or not", async () => {
    const { forward, recorded } = setup(() => 0);
    const response = await forward("in_progress");
    expect(response.json()).toMatchObject({ result: "recorded" });
    expect(recorded[0]?.status).toBe("in_progress");
  });
});
