/**
 * What the running executor answers to webhook deliveries — from the fake GitHub and hand-made —
 * and that none of the deliveries it must not act on starts a VM.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  diagnoseFailures,
  IMAGE_WITH_RUNNER,
  sendSigned,
  sleep,
  startE2eWorld,
  type E2eWorld,
} from "../../helpers/e2e-world.js";
import type { ExecutorProcess } from "../../helpers/executor-process.js";
import { workflowJobPayload } from "../../helpers/workflow-job-payload.js";

// One executor for the whole file; a loaded host stretches VM lives, so limits are generous.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const MAX_BODY_BYTES = 65_536;
let world: E2eWorld;
let executor: ExecutorProcess;

diagnoseFailures(() => world);

beforeAll(async () => {
  world = await startE2eWorld();
  executor = await world.startExecutor({
    logging: { level: "debug" },
    webhook: { maxBodyBytes: MAX_BODY_BYTES },
  });
});

afterAll(async () => {
  await world?.close();
});

const matchingQueued = (id: number) =>
  workflowJobPayload({ action: "queued", id, labels: ["tartelet", IMAGE_WITH_RUNNER] });

/** Gives the executor a moment to act on anything it accepted, then lists the VMs it cloned. */
async function clonesAfterAWhile(): Promise<string[]> {
  await sleep(500);
  return world
    .commands()
    .filter((command) => command.argv[0] === "clone")
    .map((command) => command.argv[2] ?? "");
}

describe("webhooks against the running executor", () => {
  it("answers 401 to a wrong or missing signature, on / and /webhook, and starts no VM", async () => {
    for (const route of ["/", "/webhook"]) {
      const url = `${executor.url}${route}`;
      const wrong = await sendSigned(url, "workflow_job", matchingQueued(101), { secret: "not-the-secret" });
      expect(wrong.status).toBe(401);
      const missing = await sendSigned(url, "workflow_job", matchingQueued(102), { secret: null });
      expect(missing.status).toBe(401);
      const legacy = await sendSigned(url, "workflow_job", matchingQueued(103), {
        secret: null,
        headers: { "x-hub-signature": "sha1=0123456789abcdef0123456789abcdef01234567" },
      });
      expect(legacy.status).toBe(401);
    }
    // A forged delivery through GitHub's own delivery path.
    const [forged] = world.github.dispatcher.sendRaw({
      event: "workflow_job",
      payload: matchingQueued(104),
      headers: { "x-hub-signature-256": `sha256=${"0".repeat(64)}` },
    });
    await world.github.dispatcher.deliveriesIdle();
    expect(forged?.statusCode).toBe(401);
    expect(await clonesAfterAWhile()).toEqual([]);
  });

  it("answers 200 to ping on / and /webhook (and to GitHub's own ping)", async () => {
    for (const route of ["/", "/webhook"]) {
      const answer = await sendSigned(
        `${executor.url}${route}`,
        "ping",
        { zen: "Keep it logically awesome." },
        {
          secret: world.webhookSecret,
        },
      );
      expect(answer.status).toBe(200);
    }
    const [ping] = world.github.dispatcher.sendPing();
    await world.github.dispatcher.deliveriesIdle();
    expect(ping?.statusCode).toBe(200);
  });

  it("answers 202 to other events and starts no VM", async () => {
    for (const event of ["push", "check_run", "workflow_run"]) {
      const answer = await sendSigned(
        `${executor.url}/webhook`,
        event,
        { action: "completed" },
        {
          secret: world.webhookSecret,
        },
      );
      expect(answer.status, event).toBe(202);
    }
    expect(await clonesAfterAWhile()).toEqual([]);
  });

  it("answers 202 to a job whose labels are not ours and only logs it at debug level", async () => {
    const job = world.queue(["ubuntu-latest"]);
    await world.github.dispatcher.deliveriesIdle();
    const delivery = world.github.deliveries().find((d) => d.jobId === job.id && d.action === "queued");
    expect(delivery?.statusCode).toBe(202);
    await executor.waitForLog(
      (line) => line["githubJob"] === job.id && line.msg === "job is not for this executor",
      5_000,
    );
    const lines = executor.logs().filter((line) => line["githubJob"] === job.id);
    expect(lines.map((line) => line.level)).toEqual(["debug"]);
    expect(await clonesAfterAWhile()).toEqual([]);
    world.github.dispatcher.cancelJob(job.id);
  });

  it("answers 400 to malformed deliveries", async () => {
    const url = `${executor.url}/webhook`;
    const secret = world.webhookSecret;
    const notJson = await sendSigned(url, "workflow_job", undefined, { secret, body: "{not json" });
    expect(notJson.status).toBe(400);
    const notAJob = await sendSigned(url, "workflow_job", { action: "queued", hello: "world" }, { secret });
    expect(notAJob.status).toBe(400);
    const noEvent = await sendSigned(url, "workflow_job", matchingQueued(105), {
      secret,
      omit: ["x-github-event"],
    });
    expect(noEvent.status).toBe(400);
    const noDelivery = await sendSigned(url, "workflow_job", matchingQueued(105), {
      secret,
      omit: ["x-github-delivery"],
    });
    expect(noDelivery.status).toBe(400);
    expect(await clonesAfterAWhile()).toEqual([]);
  });

  it("answers 413 to a body larger than webhook.maxBodyBytes", async () => {
    const payload = { ...matchingQueued(106), padding: "x".repeat(MAX_BODY_BYTES * 2) };
    const answer = await sendSigned(`${executor.url}/webhook`, "workflow_job", payload, {
      secret: world.webhookSecret,
    });
    expect(answer.status).toBe(413);
    const below = await sendSigned(
      `${executor.url}/`,
      "push",
      { padding: "x".repeat(MAX_BODY_BYTES / 2) },
      {
        secret: world.webhookSecret,
      },
    );
    expect(below.status).toBe(202);
    expect(await clonesAfterAWhile()).toEqual([]);
  });

  it("accepts a signed matching job on / as well as on /webhook (202, recorded)", async () => {
    // A `completed` delivery of a matching job: recorded like any other, but it needs no VM.
    for (const [route, id] of [
      ["/", 201],
      ["/webhook", 202],
    ] as const) {
      const answer = await sendSigned(
        `${executor.url}${route}`,
        "workflow_job",
        workflowJobPayload({
          action: "completed",
          id,
          labels: ["tartelet", IMAGE_WITH_RUNNER],
          conclusion: "cancelled",
        }),
        { secret: world.webhookSecret },
      );
      expect(answer.status, route).toBe(202);
      expect(answer.body).toEqual({ message: "accepted" });
      await executor.waitForLog((line) => line["githubJob"] === id && line.msg === "workflow job", 5_000);
    }
    // A completed job needs no VM.
    expect(await clonesAfterAWhile()).toEqual([]);
  });
});
