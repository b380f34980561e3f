import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { generateAppKeys } from "./helpers/app-keys.js";
import { ORG, startFixture, type Fixture } from "./helpers/fixture.js";
import { call } from "./helpers/http.js";
import { TestRunner } from "./helpers/test-runner.js";

const keys = generateAppKeys();
let f: Fixture;
let auth: string;
const runnersUrl = (): string => `${f.gh.apiUrl}/orgs/${ORG}/actions/runners`;
const jit = (name: string, labels: string[] = ["self-hosted", "macOS"], scope = `orgs/${ORG}`) =>
  call("POST", `${f.gh.apiUrl}/${scope}/actions/runners/generate-jitconfig`, {
    auth,
    body: { name, runner_group_id: 1, labels },
  });

beforeAll(async () => {
  f = await startFixture(keys, { runnerGroups: [{ id: 7, name: "macs" }] });
  auth = await f.installationAuth();
});
afterAll(async () => {
  await f.gh.close();
});

describe("generate-jitconfig", () => {
  test("creates an offline runner with os unknown and a decodable config", async () => {
    const result = await jit("vm-a", ["self-hosted", "macOS", "ARM64", "xcode-16"]);
    expect(result.status).toBe(201);
    const { runner, encoded_jit_config } = result.body as {
      runner: Record<string, unknown>;
      encoded_jit_config: string;
    };
    expect(runner).toMatchObject({
      name: "vm-a",
      os: "unknown",
      status: "offline",
      busy: false,
      ephemeral: true,
      runner_group_id: 1,
    });
    expect((runner["labels"] as Array<{ name: string; type: string }>).map((l) => [l.name, l.type])).toEqual([
      ["self-hosted", "read-only"],
      ["macOS", "read-only"],
      ["ARM64", "read-only"],
      ["xcode-16", "custom"],
    ]);
    const client = TestRunner.fromJit(encoded_jit_config);
    expect(client.settings).toMatchObject({
      agentId: runner["id"],
      agentName: "vm-a",
      serverUrl: f.gh.url,
      gitHubUrl: `${f.gh.url}/${ORG}`,
    });
    expect((await client.connect()).status).toBe(201);
    const online = await call("GET", `${runnersUrl()}/${String(runner["id"])}`, { auth });
    expect(online.body).toMatchObject({ status: "online", os: "macOS" });
    expect((await client.connect()).status).toBe(409);
    expect((await client.disconnect()).status).toBe(204);
  });

  test("409 for a duplicate name in the scope (case-insensitive), fine in another scope", async () => {
    expect((await jit("dup-1")).status).toBe(201);
    const dup = await jit("DUP-1");
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({
      message: "Already exists - A runner with the name DUP-1 already exists.",
    });
    expect((await jit("dup-1", ["self-hosted"], `repos/${ORG}/svc`)).status).toBe(201);
  });

  test("422 for missing or invalid fields, 404 for an unknown runner group", async () => {
    const post = (body: unknown) => call("POST", `${runnersUrl()}/generate-jitconfig`, { auth, body });
    for (const body of [
      { runner_group_id: 1, labels: ["a"] },
      { name: "x", labels: ["a"] },
      { name: "x", runner_group_id: 1 },
      { name: "x", runner_group_id: 1, labels: [] },
      { name: "x", runner_group_id: 1, labels: Array.from({ length: 101 }, (_, i) => `l${i}`) },
      { name: "x", runner_group_id: "1", labels: ["a"] },
    ]) {
      const result = await post(body);
      expect(result.status, JSON.stringify(body)).toBe(422);
      expect(String((result.body as { message: string }).message)).toMatch(/^Invalid request\.\n\n/);
    }
    expect((await post({ name: "x", runner_group_id: 99, labels: ["a"] })).status).toBe(404);
    expect((await post({ name: "in-group-7", runner_group_id: 7, labels: ["a"] })).status).toBe(201);
    const repoGroup = await call(
      "POST",
      `${f.gh.apiUrl}/repos/${ORG}/svc/actions/runners/generate-jitconfig`,
      {
        auth,
        body: { name: "x", runner_group_id: 7, labels: ["a"] },
      },
    );
    expect(repoGroup.status).toBe(404);
  });
});

describe("list, get, labels, delete", () => {
  test("pagination: per_page (max 100), page and Link rel prev/next/last/first; name filter", async () => {
    for (const name of ["p-1", "p-2", "p-3", "p-4", "p-5"])
      expect((await jit(name, ["pager"], `repos/${ORG}/pages`)).status).toBe(201);
    const base = `${f.gh.apiUrl}/repos/${ORG}/pages/actions/runners`;
    const first = await call("GET", `${base}?per_page=2`, { auth });
    expect(first.body).toMatchObject({ total_count: 5 });
    expect((first.body as { runners: Array<{ name: string }> }).runners.map((r) => r.name)).toEqual([
      "p-1",
      "p-2",
    ]);
    expect(first.headers.get("link")).toBe(
      `<${base}?per_page=2&page=2>; rel="next", <${base}?per_page=2&page=3>; rel="last"`,
    );
    const middle = await call("GET", `${base}?per_page=2&page=2`, { auth });
    expect(middle.headers.get("link")).toBe(
      `<${base}?per_page=2&page=1>; rel="prev", <${base}?per_page=2&page=3>; rel="next", ` +
        `<${base}?per_page=2&page=3>; rel="last", <${base}?per_page=2&page=1>; rel="first"`,
    );
    const last = await call("GET", `${base}?per_page=2&page=3`, { auth });
    expect((last.body as { runners: unknown[] }).runners).toHaveLength(1);
    expect(last.headers.get("link")).not.toContain('rel="next"');
    const unprefixed = await call("GET", `${f.gh.url}/repos/${ORG}/pages/actions/runners?per_page=2`, {
      auth,
    });
    expect(unprefixed.headers.get("link")).toContain(
      `<${f.gh.url}/repos/${ORG}/pages/actions/runners?per_page=2&page=2>`,
    );
    const capped = await call("GET", `${base}?per_page=500`, { auth });
    expect((capped.body as { runners: unknown[] }).runners).toHaveLength(5);
    expect(capped.headers.get("link")).toBeNull();
    const named = await call("GET", `${base}?name=P-3`, { auth });
    expect(named.body).toMatchObject({ total_count: 1, runners: [{ name: "p-3" }] });
  });

  test("get, labels and delete (204, then 404)", async () => {
    const created = (await jit("del-me", ["self-hosted", "gpu"])).body as { runner: { id: number } };
    const url = `${runnersUrl()}/${created.runner.id}`;
    const labels = await call("GET", `${url}/labels`, { auth });
    expect(labels.body).toMatchObject({
      total_count: 2,
      labels: [{ name: "self-hosted" }, { name: "gpu", type: "custom" }],
    });
    expect((await call("DELETE", url, { auth })).status).toBe(204);
    expect((await call("GET", url, { auth })).status).toBe(404);
    expect((await call("DELETE", url, { auth })).status).toBe(404);
    const elsewhere = await call(
      "GET",
      `${f.gh.apiUrl}/repos/${ORG}/svc/actions/runners/${created.runner.id}`,
      { auth },
    );
    expect(elsewhere.status).toBe(404);
  });

  test("DELETE answers 422 while the runner runs a job", async () => {
    const created = (await jit("busy-one", ["busy-label"])).body as {
      runner: { id: number };
      encoded_jit_config: string;
    };
    const client = TestRunner.fromJit(created.encoded_jit_config);
    await client.connect();
    const job = f.gh.dispatcher.enqueueJob({
      repo: `${ORG}/svc`,
      labels: ["busy-label"],
      durationMs: 60_000,
    });
    const assignment = await client.nextJob();
    expect((await client.acquire(assignment.jobId)).status).toBe(200);
    const refused = await call("DELETE", `${runnersUrl()}/${created.runner.id}`, { auth });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ message: 'Bad request - Runner "busy-one" is still running a job' });
    expect((await call("GET", `${runnersUrl()}/${created.runner.id}`, { auth })).body).toMatchObject({
      busy: true,
    });
    await client.complete(assignment.jobId, "Succeeded");
    expect((await job.settled()).conclusion).toBe("success");
  });
});

describe("permissions", () => {
  test("403 Resource not accessible by integration without the runner permission", async () => {
    const limited = await f.installationAuth(undefined, {
      permissions: { organization_self_hosted_runners: "read" },
    });
    expect((await call("GET", runnersUrl(), { auth: limited })).status).toBe(200);
    const write = await call("POST", `${runnersUrl()}/registration-token`, { auth: limited });
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({ message: "Resource not accessible by integration" });
    expect(write.headers.get("x-accepted-github-permissions")).toBe("organization_self_hosted_runners=write");
  });
});

describe("listener sessions", () => {
  test("a closed session's watcher ends with it: many runners coming and going leak no abort listeners", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      if (warning.name === "MaxListenersExceededWarning") warnings.push(warning.message);
    };
    process.on("warning", onWarning);
    try {
      for (let n = 0; n < 15; n += 1) {
        const result = await jit(`vm-session-${n}`);
        const client = TestRunner.fromJit((result.body as { encoded_jit_config: string }).encoded_jit_config);
        expect((await client.connect()).status).toBe(201);
        expect((await client.disconnect()).status).toBe(204);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).toEqual([]);
  });
});
