import { afterEach, describe, expect, test } from "vitest";
import { generateAppKeys } from "./helpers/app-keys.js";
import { ORG, USER, startFixture, type Fixture } from "./helpers/fixture.js";
import { call } from "./helpers/http.js";
import { jitRunner } from "./helpers/runners.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";
import type { FakeGitHubOptions } from "../../../src/sim/github/fake-github.js";

const keys = generateAppKeys();
let f: Fixture | undefined;
let rx: WebhookReceiver | undefined;

async function setup(
  options: Partial<FakeGitHubOptions> = {},
): Promise<{ f: Fixture; rx: WebhookReceiver; auth: string }> {
  rx = await startWebhookReceiver();
  f = await startFixture(keys, { webhook: { url: rx.url, secret: "s" }, ...options });
  return { f, rx, auth: await f.installationAuth() };
}

afterEach(async () => {
  if (f !== undefined) {
    expect(f.gh.internalErrors()).toEqual([]);
    await f.gh.close();
  }
  await rx?.close();
  f = undefined;
  rx = undefined;
});

const actionsOf = (r: WebhookReceiver, jobId: number): Array<string | undefined> =>
  r.received
    .filter((d) => (d.body["workflow_job"] as { id?: number } | undefined)?.id === jobId)
    .map((d) => d.action);

describe("routing", () => {
  test("any idle online runner with a case-insensitive label superset takes the job, not the one booted for it", async () => {
    // random() = 0.99 picks the last eligible runner: the one created second.
    const { f, auth } = await setup({ random: () => 0.99 });
    const bootedFor = await jitRunner(f, auth, "booted-for-a", ["self-hosted", "macOS", "xcode"]);
    const other = await jitRunner(f, auth, "other", ["SELF-HOSTED", "macos", "XCODE", "extra"]);
    const partial = await jitRunner(f, auth, "partial", ["self-hosted", "macOS"]);
    const job = f.gh.dispatcher.enqueueJob({
      repo: `${ORG}/app`,
      labels: ["self-hosted", "macOS", "Xcode"],
      durationMs: 50,
    });
    const assignment = await other.nextJob();
    expect(assignment.jobId).toBe(job.id);
    expect((await bootedFor.poll(50)).status).toBe(204);
    expect((await partial.poll(50)).status).toBe(204);
    await other.run(assignment);
    const done = await job.settled();
    expect(done.runner).toMatchObject({ name: "other", groupId: 1, groupName: "Default" });
    expect(
      f.gh
        .runners(ORG)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["booted-for-a", "partial"]);
  });

  test("scopes: repo runners serve only their repo, org runners only org-owned repos", async () => {
    const { f, auth } = await setup();
    const userAuth = await f.installationAuth(1002);
    const repoRunner = await jitRunner(f, auth, "repo-r", ["lbl"], `repos/${ORG}/one`);
    const userRunner = await jitRunner(f, userAuth, "user-r", ["lbl"], `repos/${USER}/tools`);
    const other = f.gh.dispatcher.enqueueJob({ repo: `${ORG}/two`, labels: ["lbl"] });
    const mine = f.gh.dispatcher.enqueueJob({ repo: `${ORG}/one`, labels: ["lbl"] });
    const users = f.gh.dispatcher.enqueueJob({ repo: `${USER}/tools`, labels: ["lbl"] });
    expect((await repoRunner.nextJob()).jobId).toBe(mine.id);
    expect((await userRunner.nextJob()).jobId).toBe(users.id);
    expect(f.gh.dispatcher.job(other.id)).toMatchObject({ status: "queued", assignedRunnerId: undefined });
    expect(() => f.gh.dispatcher.enqueueJob({ repo: `${USER}/not-selected`, labels: ["x"] })).toThrow(
      /no installation/,
    );
  });

  test("oldest queued job first; an offline runner gets nothing until it connects", async () => {
    const { f, auth } = await setup();
    const runner = await jitRunner(f, auth, "late", ["q"], `orgs/${ORG}`, false);
    const first = f.gh.dispatcher.enqueueJob({ repo: `${ORG}/app`, labels: ["q"] });
    f.gh.dispatcher.enqueueJob({ repo: `${ORG}/app`, labels: ["q"] });
    expect(f.gh.dispatcher.job(first.id)?.assignedRunnerId).toBeUndefined();
    await runner.connect();
    expect((await runner.nextJob()).jobId).toBe(first.id);
  });

  test("a job not acquired in time is re-queued and taken by another runner", async () => {
    const { f, auth } = await setup({ acquireTimeoutMs: 200, random: () => 0 });
    const sleepy = await jitRunner(f, auth, "sleepy", ["r"]);
    const job = f.gh.dispatcher.enqueueJob({ repo: `${ORG}/app`, labels: ["r"], durationMs: 20 });
    const handed = await sleepy.nextJob();
    const eager = await jitRunner(f, auth, "eager", ["r"]);
    const taken = await eager.nextJob(3000);
    expect(taken.jobId).toBe(job.id);
    expect((await sleepy.acquire(handed.jobId)).status).toBe(409);
    await eager.run(taken);
    const done = await job.settled();
    expect(done.runner?.name).toBe("eager");
    expect(done.timeline.map((t) => t.event)).toContain("requeued");
  });
});

describe("lifecycle", () => {
  test("in_progress and completed carry the runner; the ephemeral runner is deleted afterwards", async () => {
    const { f, rx, auth } = await setup();
    const runner = await jitRunner(f, auth, "eph", ["e"]);
    const job = f.gh.dispatcher.enqueueJob({
      repo: `${ORG}/app`,
      labels: ["e"],
      durationMs: 30,
      result: "failure",
    });
    await runner.run(await runner.nextJob());
    expect((await job.settled()).conclusion).toBe("failure");
    await f.gh.dispatcher.deliveriesIdle();
    expect(actionsOf(rx, job.id)).toEqual(["queued", "in_progress", "completed"]);
    const completed = rx.received.at(-1)?.body["workflow_job"];
    expect(completed).toMatchObject({
      conclusion: "failure",
      runner_id: runner.id,
      runner_name: "eph",
      runner_group_name: "Default",
    });
    expect(f.gh.runners()).toEqual([]);
    expect((await runner.poll(10)).status).toBe(404);
    expect((await runner.disconnect()).status).toBe(204);
  });

  test("cancel: queued → completed/cancelled without runner; running → renew says cancelled", async () => {
    const { f, rx, auth } = await setup();
    const queued = f.gh.dispatcher.enqueueJob({ repo: `${ORG}/app`, labels: ["nobody-has-this"] });
    expect(f.gh.dispatcher.cancelJob(queued.id)).toBe(true);
    expect(queued.view()).toMatchObject({ status: "completed", conclusion: "cancelled", runner: null });
    const runner = await jitRunner(f, auth, "c", ["c"]);
    const running = f.gh.dispatcher.enqueueJob({ repo: `${ORG}/app`, labels: ["c"], durationMs: 30_000 });
    const assignment = await runner.nextJob();
    const result = runner.run(assignment, 20);
    await f.gh.dispatcher.waitFor(() => running.view().status === "in_progress");
    f.gh.dispatcher.cancelJob(running.id);
    expect(await result).toBe("Canceled");
    expect((await running.settled()).conclusion).toBe("cancelled");
    await f.gh.dispatcher.deliveriesIdle();
    const cancelled = rx.received.find(
      (d) => d.action === "completed" && (d.body["workflow_job"] as { id: number }).id === queued.id,
    );
    expect(cancelled?.body["workflow_job"]).toMatchObject({
      conclusion: "cancelled",
      runner_id: null,
      runner_name: null,
    });
    expect(actionsOf(rx, running.id)).toEqual(["queued", "in_progress", "completed"]);
  });

  test("runner lost: no renew within the lease, or session deleted mid-job → failure", async () => {
    const { f, auth } = await setup({ leaseMs: 150 });
    const silent = await jitRunner(f, auth, "silent", ["l"]);
    const first = f.gh.dispatcher.enqueueJob({ repo: `${ORG}/app`, labels: ["l"] });
    await silent.acquire((await silent.nextJob()).jobId);
    const lost = await first.settled(3000);
    expect(lost).toMatchObject({ conclusion: "failure", runner: { name: "silent" } });
    expect(f.gh.runners().find((r) => r.name === "silent")).toBeUndefined();
    const leaving = await jitRunner(f, auth, "leaving", ["l"]);
    const second = f.gh.dispatcher.enqueueJob({ repo: `${ORG}/app`, labels: ["l"] });
    await leaving.acquire((await leaving.nextJob()).jobId);
    expect((await leaving.disconnect()).status).toBe(204);
    expect((await second.settled(3000)).conclusion).toBe("failure");
  });

  test("waiting: queued(waiting) → waiting, routable after approve → queued", async () => {
    const { f, rx, auth } = await setup();
    const runner = await jitRunner(f, auth, "w", ["w"]);
    const job = f.gh.dispatcher.enqueueJob({
      repo: `${ORG}/app`,
      labels: ["w"],
      waitingFirst: true,
      durationMs: 10,
    });
    expect((await runner.poll(50)).status).toBe(204);
    f.gh.dispatcher.approve(job.id);
    await runner.run(await runner.nextJob());
    await job.settled();
    await f.gh.dispatcher.deliveriesIdle();
    const mine = rx.received.filter((d) => (d.body["workflow_job"] as { id: number }).id === job.id);
    expect(mine.map((d) => [d.action, (d.body["workflow_job"] as { status: string }).status])).toEqual([
      ["queued", "waiting"],
      ["waiting", "waiting"],
      ["queued", "queued"],
      ["in_progress", "in_progress"],
      ["completed", "completed"],
    ]);
  });

  test("a persistent (config.sh) runner takes several jobs; REST job endpoint follows the job", async () => {
    const { f, auth } = await setup();
    const runner = await jitRunner(f, auth, "p", ["p"]);
    const job = f.gh.dispatcher.enqueueJob({ repo: `${ORG}/app`, labels: ["p"], durationMs: 10 });
    const url = `${f.gh.apiUrl}/repos/${ORG}/app/actions/jobs/${job.id}`;
    expect((await call("GET", url, { auth })).body).toMatchObject({ status: "queued", runner_name: null });
    await runner.run(await runner.nextJob());
    await job.settled();
    expect((await call("GET", url, { auth })).body).toMatchObject({
      status: "completed",
      conclusion: "success",
      runner_name: "p",
    });
    expect(
      (await call("GET", `${f.gh.apiUrl}/repos/${ORG}/other/actions/jobs/${job.id}`, { auth })).status,
    ).toBe(404);
  });
});

describe("session liveness", () => {
  test("a session nobody polls goes offline; idle JIT runners expire when configured", async () => {
    const { f, auth } = await setup({ sessionTimeoutMs: 150, jitIdleTimeoutMs: 400 });
    const quiet = await jitRunner(f, auth, "quiet", ["s"]);
    await f.gh.dispatcher.waitFor(
      () => f.gh.runners().find((r) => r.name === "quiet")?.status === "offline",
      2000,
    );
    expect((await quiet.poll(10)).status).toBe(404);
    const idle = await jitRunner(f, auth, "idle", ["s"]);
    const polling = (async () => {
      // Long polls keep the session alive; the expiry, not a session timeout, must remove it.
      for (;;) if ((await idle.poll(1000)).status === 404) return;
    })();
    await f.gh.dispatcher.waitFor(() => !f.gh.runners().some((r) => r.name === "idle"), 3000);
    await polling;
  });
});
