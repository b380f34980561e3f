import { createHmac, timingSafeEqual } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { signature256 } from "../../../src/sim/github/webhook-sender.js";
import { generateAppKeys } from "./helpers/app-keys.js";
import {
  APP_ID,
  ORG,
  USER,
  USER_INSTALLATION,
  ORG_INSTALLATION,
  startFixture,
  type Fixture,
} from "./helpers/fixture.js";
import { jitRunner } from "./helpers/runners.js";
import {
  startWebhookReceiver,
  type ReceivedDelivery,
  type WebhookReceiver,
} from "./helpers/webhook-receiver.js";
import { loadWebhookValidator } from "./helpers/webhook-schemas.js";

const SECRET = "It's a Secret to Everybody";
const keys = generateAppKeys();
const validate = loadWebhookValidator();
let f: Fixture;
let rx: WebhookReceiver;

beforeAll(async () => {
  rx = await startWebhookReceiver();
  f = await startFixture(keys, { webhook: { url: rx.url, secret: SECRET } });
  const orgAuth = await f.installationAuth(ORG_INSTALLATION);
  const userAuth = await f.installationAuth(USER_INSTALLATION);
  // Every action and conclusion, for an organization repository and a user repository.
  for (const [repo, auth, scope] of [
    [`${ORG}/app`, orgAuth, `orgs/${ORG}`],
    [`${USER}/tools`, userAuth, `repos/${USER}/tools`],
  ] as const) {
    const runner = await jitRunner(f, auth, `r-${repo.split("/")[0] ?? ""}`, ["lbl"], scope);
    const gated = f.gh.dispatcher.enqueueJob({ repo, labels: ["lbl"], waitingFirst: true, durationMs: 10 });
    f.gh.dispatcher.approve(gated.id);
    await runner.run(await runner.nextJob());
    const runner2 = await jitRunner(f, auth, `r2-${repo.split("/")[0] ?? ""}`, ["lbl"], scope);
    const failing = f.gh.dispatcher.enqueueJob({ repo, labels: ["lbl"], durationMs: 10, result: "failure" });
    await runner2.run(await runner2.nextJob());
    const runner3 = await jitRunner(f, auth, `r3-${repo.split("/")[0] ?? ""}`, ["lbl"], scope);
    const cancelled = f.gh.dispatcher.enqueueJob({ repo, labels: ["lbl"], durationMs: 10_000 });
    const running = runner3.run(await runner3.nextJob(), 20);
    await f.gh.dispatcher.waitFor(() => cancelled.view().status === "in_progress");
    f.gh.dispatcher.cancelJob(cancelled.id);
    await running;
    const early = f.gh.dispatcher.enqueueJob({ repo, labels: ["no-runner-has-it"] });
    f.gh.dispatcher.cancelJob(early.id);
    for (const job of [gated, failing, cancelled, early]) await job.settled();
  }
  f.gh.dispatcher.sendPing();
  await f.gh.dispatcher.deliveriesIdle();
});

afterAll(async () => {
  expect(f.gh.internalErrors()).toEqual([]);
  await f.gh.close();
  await rx.close();
});

const jobDeliveries = (): ReceivedDelivery[] => rx.received.filter((d) => d.event === "workflow_job");

describe("workflow_job payloads", () => {
  test("cover every action and conclusion for org and user repositories", () => {
    const seen = new Set(
      jobDeliveries().map((d) => {
        const job = d.body["workflow_job"] as { conclusion: string | null };
        const owner = (d.body["repository"] as { owner: { type: string } }).owner.type;
        return `${owner}:${d.action}:${job.conclusion ?? "-"}`;
      }),
    );
    for (const owner of ["Organization", "User"])
      for (const key of [
        "queued:-",
        "waiting:-",
        "in_progress:-",
        "completed:success",
        "completed:failure",
        "completed:cancelled",
      ])
        expect(seen, `${owner}:${key}`).toContain(`${owner}:${key}`);
  });

  test("every payload validates against @octokit/webhooks-schemas", () => {
    for (const d of jobDeliveries()) {
      expect(validate("workflow_job_event", d.body), d.raw.toString()).toBeUndefined();
      expect(validate(`workflow_job$${d.action ?? ""}`, d.body)).toBeUndefined();
    }
    // The validator is not vacuous: a payload without labels fails.
    const first = jobDeliveries()[0]?.body ?? {};
    const { labels: _labels, ...unlabelled } = first["workflow_job"] as Record<string, unknown>;
    expect(validate("workflow_job_event", { ...first, workflow_job: unlabelled })).toBeDefined();
    const ping = rx.received.find((d) => d.event === "ping");
    expect(validate("ping$event", ping?.body)).toBeUndefined();
    expect(ping?.body).toMatchObject({ hook: { type: "App", app_id: APP_ID, events: ["workflow_job"] } });
  });

  test("organization only for org-owned repositories; installation, repository and URLs consistent", () => {
    for (const d of jobDeliveries()) {
      const repo = d.body["repository"] as Record<string, unknown>;
      const owner = repo["owner"] as { login: string; type: string };
      const isOrg = owner.type === "Organization";
      expect(repo["full_name"]).toBe(isOrg ? `${ORG}/app` : `${USER}/tools`);
      expect("organization" in d.body).toBe(isOrg);
      expect(d.body["installation"]).toMatchObject({ id: isOrg ? ORG_INSTALLATION : USER_INSTALLATION });
      const job = d.body["workflow_job"] as Record<string, string>;
      expect(job["url"]).toBe(`${f.gh.apiUrl}/repos/${String(repo["full_name"])}/actions/jobs/${job["id"]}`);
      expect(repo["html_url"]).toBe(`${f.gh.url}/${String(repo["full_name"])}`);
      // Nothing points at the real github.com (avatars are only images).
      expect(d.raw.toString().replace(/https:\/\/avatars\.githubusercontent\.com/g, "")).not.toMatch(
        /github\.com/,
      );
    }
  });

  test("runner fields are null until a runner takes the job", () => {
    for (const d of jobDeliveries()) {
      const job = d.body["workflow_job"] as Record<string, unknown>;
      const ran = d.action === "in_progress" || (d.action === "completed" && job["runner_id"] !== null);
      if (d.action === "queued" || d.action === "waiting") expect(job["runner_id"]).toBeNull();
      if (ran) expect(job).toMatchObject({ runner_group_id: 1, runner_group_name: "Default" });
    }
  });
});

describe("delivery headers and signature", () => {
  test("GitHub's headers, and X-Hub-Signature-256 over the exact bytes", () => {
    for (const d of rx.received) {
      expect(d.headers).toMatchObject({
        "content-type": "application/json",
        "user-agent": "GitHub-Hookshot/fake",
        "x-github-hook-installation-target-type": "integration",
        "x-github-hook-installation-target-id": String(APP_ID),
      });
      expect(d.headers["x-github-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(d.headers["x-github-hook-id"]).toMatch(/^\d+$/);
      const expected = Buffer.from(`sha256=${createHmac("sha256", SECRET).update(d.raw).digest("hex")}`);
      const got = Buffer.from(String(d.headers["x-hub-signature-256"]));
      expect(got.length === expected.length && timingSafeEqual(got, expected)).toBe(true);
    }
  });

  test("GitHub's official test vector", () => {
    expect(signature256(SECRET, "Hello, World!")).toBe(
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    );
  });
});
