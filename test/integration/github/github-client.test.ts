import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Clock } from "../../../src/clock.js";
import { GitHubClient } from "../../../src/github/github-client.js";
import type { RunnerScope } from "../../../src/github/runner-scope.js";
import { startFakeGitHub, type FakeGitHub } from "../../../src/sim/github/fake-github.js";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const privateKeyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();

/** Real time plus an offset the test moves; sleeps are recorded and return at once. */
class OffsetClock implements Clock {
  offsetMs = 0;
  readonly sleeps: number[] = [];
  now(): number {
    return Date.now() + this.offsetMs;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return Promise.resolve();
  }
}

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(options: { scope?: RunnerScope; attemptTimeoutMs?: number } = {}) {
  fake = await startFakeGitHub({
    appId: 1001,
    appPrivateKeyPem: privateKeyPem,
    installations: [{ id: 77, account: { login: "acme", type: "Organization" } }],
  });
  const clock = new OffsetClock();
  const client = new GitHubClient({
    appId: "1001",
    privateKeyPem,
    apiUrl: fake.apiUrl,
    scope: options.scope ?? { kind: "organization", org: "acme" },
    clock,
    userAgent: "tart-executor-tests",
    ...(options.attemptTimeoutMs === undefined
      ? {}
      : { retry: { attemptTimeoutMs: options.attemptTimeoutMs } }),
  });
  const requests = (pattern: RegExp) =>
    (fake?.requests() ?? []).filter((r) => pattern.test(`${r.method} ${r.path}`));
  return { fake, client, clock, requests };
}

const jit = (name: string) => ({
  name,
  labels: ["self-hosted", "tartelet"],
  runnerGroupId: 1,
  workFolder: "_work",
});

describe("GitHubClient against the fake GitHub", () => {
  it("finds the App's installation whatever the case of the organization name", async () => {
    const { client } = await setup({ scope: { kind: "organization", org: "ACME" } });
    expect(await client.installationId()).toBe(77);
  });

  it("keeps an installation token until five minutes before it expires", async () => {
    const { client, clock, requests } = await setup();
    await client.listRunners();
    await client.listRunners();
    expect(requests(/POST .*access_tokens/)).toHaveLength(1);
    clock.offsetMs = 54 * 60_000;
    await client.listRunners();
    expect(requests(/POST .*access_tokens/)).toHaveLength(1);
    clock.offsetMs = 56 * 60_000;
    await client.listRunners();
    expect(requests(/POST .*access_tokens/)).toHaveLength(2);
  });

  it("creates a JIT runner and, when the name is taken (409), deletes the stale runner and retries", async () => {
    const { client, fake, requests } = await setup();
    const first = await client.generateJitConfig(jit("tart-executor-mini-1-aaaaaaaa"));
    expect(first.encodedJitConfig.length).toBeGreaterThan(20);
    const second = await client.generateJitConfig(jit("tart-executor-mini-1-aaaaaaaa"));
    expect(second.runner.id).not.toBe(first.runner.id);
    expect(requests(new RegExp(`DELETE .*/runners/${first.runner.id}$`))).toHaveLength(1);
    expect(fake.runners("acme").map((runner) => runner.id)).toEqual([second.runner.id]);
  });

  it("waits as long as retry-after says on a 429, then succeeds", async () => {
    const { client, fake, clock } = await setup();
    fake.faults.inject({
      method: "POST",
      path: /generate-jitconfig$/,
      response: { kind: "rate-limit", status: 429, retryAfterSeconds: 7 },
    });
    await client.generateJitConfig(jit("tart-executor-mini-1-bbbbbbbb"));
    expect(clock.sleeps).toContain(7000);
  });

  it("retries server errors with backoff and gives up after its attempts", async () => {
    const { client, fake, clock } = await setup();
    await client.installationId();
    fake.faults.inject({
      method: "GET",
      path: /actions\/runners$/,
      times: 2,
      response: { kind: "status", status: 502 },
    });
    await expect(client.listRunners()).resolves.toEqual([]);
    expect(clock.sleeps.slice(0, 2)).toEqual([1000, 2000]);
    fake.faults.inject({
      method: "GET",
      path: /actions\/runners$/,
      times: 10,
      response: { kind: "status", status: 503 },
    });
    await expect(client.listRunners()).rejects.toMatchObject({ status: 503 });
  });

  it("abandons a request GitHub never answers after the attempt timeout, and retries it", async () => {
    const { client, fake, clock, requests } = await setup({ attemptTimeoutMs: 300 });
    await client.installationId();
    fake.faults.inject({
      method: "POST",
      path: /generate-jitconfig$/,
      times: 1,
      response: { kind: "delay", ms: 60_000 },
    });
    const started = Date.now();
    const created = await client.generateJitConfig(jit("tart-executor-mini-1-cccccccc"));
    expect(created.runner.name).toBe("tart-executor-mini-1-cccccccc");
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(requests(/POST .*generate-jitconfig/)).toHaveLength(2);
    expect(clock.sleeps[0]).toBe(1000);
  });

  it("gives up on a request that keeps hanging with an error naming the route and the timeout", async () => {
    const { client, fake } = await setup({ attemptTimeoutMs: 200 });
    await client.installationId();
    fake.faults.inject({
      method: "GET",
      path: /actions\/runners$/,
      times: 10,
      response: { kind: "delay", ms: 60_000 },
    });
    await expect(client.listRunners()).rejects.toThrow(/did not answer GET .*runners within 0\.2 s/);
  });

  it("ends at once, without retrying, a request whose caller aborts it", async () => {
    const { client, fake, requests } = await setup({ attemptTimeoutMs: 30_000 });
    await client.installationId();
    fake.faults.inject({
      method: "POST",
      path: /generate-jitconfig$/,
      times: 1,
      response: { kind: "delay", ms: 60_000 },
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("teardown")), 200);
    await expect(
      client.generateJitConfig(jit("tart-executor-mini-1-dddddddd"), controller.signal),
    ).rejects.toThrow();
    expect(requests(/POST .*generate-jitconfig/)).toHaveLength(1);
  });

  it("does not retry client errors, and reports a deleted or unknown runner as not-found", async () => {
    const { client, requests } = await setup();
    expect(await client.deleteRunner(424242)).toBe("not-found");
    expect(requests(/DELETE .*runners\/424242/)).toHaveLength(1);
  });

  it("lists every runner across pages", async () => {
    const { client } = await setup();
    for (let index = 0; index < 105; index += 1)
      await client.generateJitConfig(jit(`tart-executor-mini-1-${String(index).padStart(8, "0")}`));
    expect(await client.listRunners()).toHaveLength(105);
    expect(await client.findRunnerByName("tart-executor-mini-1-00000104")).toMatchObject({
      status: "offline",
      busy: false,
    });
  });

  it("tells where to download the macOS arm64 runner", async () => {
    const { client } = await setup();
    const download = await client.runnerDownload("osx", "arm64");
    expect(download.filename).toMatch(/^actions-runner-osx-arm64-.*\.tar\.gz$/);
    expect(download.sha256).toMatch(/^[0-9a-f]{64}$/);
    const response = await fetch(download.url);
    expect(response.ok).toBe(true);
  });
});
