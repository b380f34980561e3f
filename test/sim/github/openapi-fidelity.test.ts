/**
 * Every response of every endpoint the fake serves, checked against GitHub's REST OpenAPI
 * description; error bodies too, against the documented response or else `basic-error`.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { generateAppKeys } from "./helpers/app-keys.js";
import {
  ORG,
  ORG_INSTALLATION,
  USER,
  USER_INSTALLATION,
  startFixture,
  type Fixture,
} from "./helpers/fixture.js";
import { call, type HttpResult } from "./helpers/http.js";
import { loadOpenApi } from "./helpers/openapi.js";
import { TestRunner } from "./helpers/test-runner.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";

const keys = generateAppKeys();
const openapi = loadOpenApi();
let f: Fixture;
let rx: WebhookReceiver;

interface Observed {
  readonly method: string;
  readonly specPath: string;
  readonly result: HttpResult;
}
const observed: Observed[] = [];

async function hit(
  method: string,
  specPath: string,
  url: string,
  options: Parameters<typeof call>[2] = {},
): Promise<HttpResult> {
  const result = await call(method, url, options);
  observed.push({ method, specPath, result });
  return result;
}

beforeAll(async () => {
  rx = await startWebhookReceiver();
  f = await startFixture(keys, {
    webhook: { url: rx.url, secret: "x" },
    runnerPackage: () => [{ path: "run.sh", content: "#!/bin/sh\n", mode: 0o755 }],
  });
  const api = f.gh.apiUrl;
  const jwt = f.jwt();
  const orgAuth = await f.installationAuth(ORG_INSTALLATION);
  const userAuth = await f.installationAuth(USER_INSTALLATION);

  await hit("GET", "/app", `${api}/app`, { auth: jwt });
  await hit("GET", "/app/installations", `${api}/app/installations?per_page=1`, { auth: jwt });
  await hit("GET", "/app/installations/{installation_id}", `${api}/app/installations/${ORG_INSTALLATION}`, {
    auth: jwt,
  });
  await hit("GET", "/app/installations/{installation_id}", `${api}/app/installations/5`, { auth: jwt });
  const tokens = "/app/installations/{installation_id}/access_tokens";
  await hit("POST", tokens, `${api}/app/installations/${USER_INSTALLATION}/access_tokens`, {
    auth: jwt,
    body: { repositories: ["tools"] },
  });
  await hit("POST", tokens, `${api}/app/installations/${ORG_INSTALLATION}/access_tokens`, {
    auth: "Bearer a.b.c",
  });
  await hit("POST", tokens, `${api}/app/installations/5/access_tokens`, { auth: jwt });
  await hit("POST", tokens, `${api}/app/installations/${ORG_INSTALLATION}/access_tokens`, {
    auth: jwt,
    body: { permissions: { contents: "write" } },
  });
  await hit("GET", "/orgs/{org}/installation", `${api}/orgs/${ORG.toLowerCase()}/installation`, {
    auth: jwt,
  });
  await hit("GET", "/repos/{owner}/{repo}/installation", `${api}/repos/${USER}/tools/installation`, {
    auth: jwt,
  });
  await hit("GET", "/repos/{owner}/{repo}/installation", `${api}/repos/${USER}/nope/installation`, {
    auth: jwt,
  });
  await hit("GET", "/users/{username}/installation", `${api}/users/${USER}/installation`, { auth: jwt });

  for (const [scope, specScope, auth] of [
    [`orgs/${ORG}`, "orgs/{org}", orgAuth],
    [`repos/${USER}/tools`, "repos/{owner}/{repo}", userAuth],
  ] as const) {
    const base = `${api}/${scope}/actions/runners`;
    const spec = `/${specScope}/actions/runners`;
    await hit("POST", `${spec}/registration-token`, `${base}/registration-token`, { auth });
    await hit("POST", `${spec}/remove-token`, `${base}/remove-token`, { auth });
    const body = { name: "vm-1", runner_group_id: 1, labels: ["self-hosted", "fid"] };
    const created = await hit("POST", `${spec}/generate-jitconfig`, `${base}/generate-jitconfig`, {
      auth,
      body,
    });
    await hit("POST", `${spec}/generate-jitconfig`, `${base}/generate-jitconfig`, { auth, body });
    await hit("POST", `${spec}/generate-jitconfig`, `${base}/generate-jitconfig`, {
      auth,
      body: { name: "x" },
    });
    await hit("POST", `${spec}/generate-jitconfig`, `${base}/generate-jitconfig`, {
      auth,
      body: { ...body, name: "y", runner_group_id: 9 },
    });
    await hit("GET", spec, `${base}?per_page=1`, { auth });
    const runner = TestRunner.fromJit((created.body as { encoded_jit_config: string }).encoded_jit_config);
    await runner.connect();
    await hit("GET", `${spec}/{runner_id}`, `${base}/${runner.id}`, { auth });
    await hit("GET", `${spec}/{runner_id}/labels`, `${base}/${runner.id}/labels`, { auth });
    await hit("GET", `${spec}/{runner_id}/labels`, `${base}/424242/labels`, { auth });
    await hit("GET", `${spec}/downloads`, `${base}/downloads`, { auth });
    const repo = scope.startsWith("orgs") ? `${ORG}/app` : `${USER}/tools`;
    const job = f.gh.dispatcher.enqueueJob({ repo, labels: ["FID"], durationMs: 10 });
    const jobUrl = `${api}/repos/${repo}/actions/jobs/${job.id}`;
    const jobSpec = "/repos/{owner}/{repo}/actions/jobs/{job_id}";
    await hit("GET", jobSpec, jobUrl, { auth });
    const assignment = await runner.nextJob();
    await runner.acquire(assignment.jobId);
    await hit("GET", jobSpec, jobUrl, { auth });
    await hit("DELETE", `${spec}/{runner_id}`, `${base}/${runner.id}`, { auth });
    await runner.complete(assignment.jobId, "Succeeded");
    await job.settled();
    await hit("GET", jobSpec, jobUrl, { auth });
    const other = (
      await hit("POST", `${spec}/generate-jitconfig`, `${base}/generate-jitconfig`, {
        auth,
        body: { ...body, name: "z" },
      })
    ).body as { runner: { id: number } };
    await hit("DELETE", `${spec}/{runner_id}`, `${base}/${other.runner.id}`, { auth });
  }
  await hit("GET", "/orgs/{org}/actions/runner-groups", `${api}/orgs/${ORG}/actions/runner-groups`, {
    auth: orgAuth,
  });
  await hit("GET", "/orgs/{org}/actions/runners", `${api}/orgs/${ORG}/actions/runners`, { auth: userAuth });

  await f.gh.dispatcher.deliveriesIdle();
  const deliveries = await hit("GET", "/app/hook/deliveries", `${api}/app/hook/deliveries?per_page=2`, {
    auth: jwt,
  });
  const first = (deliveries.body as Array<{ id: number }>)[0]?.id;
  await hit("GET", "/app/hook/deliveries/{delivery_id}", `${api}/app/hook/deliveries/${first}`, {
    auth: jwt,
  });
  await hit(
    "POST",
    "/app/hook/deliveries/{delivery_id}/attempts",
    `${api}/app/hook/deliveries/${first}/attempts`,
    { auth: jwt },
  );
  await f.gh.dispatcher.deliveriesIdle();
});

afterAll(async () => {
  expect(f.gh.internalErrors()).toEqual([]);
  await f.gh.close();
  await rx.close();
});

test("covers success and error answers of every endpoint", () => {
  const statuses = new Set(observed.map((o) => `${o.method} ${o.specPath} ${o.result.status}`));
  for (const expected of [
    "POST /orgs/{org}/actions/runners/generate-jitconfig 201",
    "POST /orgs/{org}/actions/runners/generate-jitconfig 409",
    "POST /orgs/{org}/actions/runners/generate-jitconfig 422",
    "POST /orgs/{org}/actions/runners/generate-jitconfig 404",
    "DELETE /repos/{owner}/{repo}/actions/runners/{runner_id} 422",
    "DELETE /repos/{owner}/{repo}/actions/runners/{runner_id} 204",
    "POST /app/installations/{installation_id}/access_tokens 401",
    "POST /app/installations/{installation_id}/access_tokens 422",
    "POST /app/hook/deliveries/{delivery_id}/attempts 202",
    "GET /orgs/{org}/actions/runners 403",
  ])
    expect(statuses).toContain(expected);
});

/**
 * The inline item schema of `GET /app/installations` types `account` as allOf [Simple User,
 * Enterprise], which no real account satisfies (the `installation` component says anyOf): its
 * items are checked against the `installation` component instead.
 */
const SPEC_BUGS = new Set(["GET /app/installations 200"]);

test("every response body validates against api.github.com's OpenAPI description", () => {
  const failures: string[] = [];
  for (const { method, specPath, result } of observed) {
    const where = `${method} ${specPath} ${result.status}`;
    if (result.status === 204) {
      if (result.text !== "") failures.push(`${where}: 204 with a body`);
      continue;
    }
    const error = SPEC_BUGS.has(`${method} ${specPath} ${result.status}`)
      ? (result.body as unknown[])
          .map((item) => openapi.checkSchema("installation", item))
          .find((e) => e !== undefined)
      : openapi.documents(method, specPath, result.status)
        ? openapi.check(method, specPath, result.status, result.body)
        : result.status >= 400
          ? openapi.checkSchema("basic-error", result.body)
          : `${where}: undocumented success status`;
    if (error !== undefined) failures.push(`${where}: ${error}`);
    if (result.status >= 400 && typeof (result.body as { message?: unknown }).message !== "string")
      failures.push(`${where}: error without message`);
  }
  expect(failures).toEqual([]);
});

test("the validator is not vacuous", () => {
  expect(
    openapi.check("GET", "/orgs/{org}/actions/runners/{runner_id}", 200, { id: 1, name: "x" }),
  ).toBeDefined();
  expect(
    openapi.check("POST", "/orgs/{org}/actions/runners/registration-token", 201, { token: "t" }),
  ).toBeDefined();
});
