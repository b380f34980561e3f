/**
 * The fake Actions service against the shapes of actions/scaleset's types.go (fixtures with their
 * source): every answer a scale-set client reads has exactly the fixture's fields and JSON types,
 * and its messages parse the way client.go parseRunnerScaleSetMessageResponse parses them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startFakeActionsService,
  type FakeActionsService,
} from "../../../src/sim/actions-service/actions-service.js";
import { generateAppKeys } from "../github/helpers/app-keys.js";
import { startFixture, ORG, type Fixture } from "../github/helpers/fixture.js";
import { call } from "../github/helpers/http.js";
import { decodeJitConfig } from "../../../src/sim/runner-protocol.js";
import { fixture, shapeOf } from "./scaleset-shapes.js";

let gh: Fixture;
let service: FakeActionsService;
let admin: { url: string; token: string };
const q = "api-version=6.0-preview";

beforeAll(async () => {
  gh = await startFixture(generateAppKeys());
  service = await startFakeActionsService({ github: gh.gh, pollWaitMs: 200 });
});
afterAll(async () => {
  await service.close();
  await gh.gh.close();
});

const expectShape = (actual: unknown, name: string): void =>
  expect(shapeOf(actual), fixture(name).source).toEqual(shapeOf(fixture(name).example));

describe("the fake Actions service speaks actions/scaleset's protocol", () => {
  it("exchanges a registration token at actions/runner-registration for { url, token }", async () => {
    const auth = await gh.installationAuth();
    const reg = await call("POST", `${gh.gh.apiUrl}/orgs/${ORG}/actions/runners/registration-token`, {
      auth,
    });
    expect(reg.status).toBe(201);
    expectShape(reg.body, "registration-token");
    const token = (reg.body as { token: string }).token;
    const request = {
      ...(fixture("admin-connection-request").example as object),
      url: `${gh.gh.url}/${ORG}`,
    };
    const wrongAuth = await call("POST", `${gh.gh.apiUrl}/actions/runner-registration`, {
      auth: `RemoteAuth nope`,
      body: request,
    });
    expect(wrongAuth.status).toBe(401);
    const exchanged = await call("POST", `${gh.gh.apiUrl}/actions/runner-registration`, {
      auth: `RemoteAuth ${token}`,
      body: request,
    });
    expect(exchanged.status).toBe(200);
    expectShape(exchanged.body, "admin-connection");
    admin = exchanged.body as { url: string; token: string };
    const claims = JSON.parse(Buffer.from(admin.token.split(".")[1] ?? "", "base64url").toString()) as {
      exp: number;
    };
    expect(claims.exp * 1000).toBeGreaterThan(Date.now());
  });

  it("answers runner groups, scale sets, sessions, messages, acquire and JIT in the library's shapes", async () => {
    const auth = `Bearer ${admin.token}`;
    const groups = await call("GET", `${admin.url}_apis/runtime/runnergroups/?groupName=default&${q}`, {
      auth,
    });
    expect(groups.status).toBe(200);
    expectShape(groups.body, "runner-groups");
    const unauthorized = await call("GET", `${admin.url}_apis/runtime/runnergroups/?${q}`, {
      auth: "Bearer x",
    });
    expect(unauthorized.status).toBe(401);
    expectShape(unauthorized.body, "error");

    const created = await call("POST", `${admin.url}_apis/runtime/runnerscalesets?${q}`, {
      auth,
      body: fixture("scale-set-request").example,
    });
    expect(created.status).toBe(200);
    expectShape(created.body, "scale-set");
    const id = (created.body as { id: number }).id;
    const again = await call("POST", `${admin.url}_apis/runtime/runnerscalesets?${q}`, {
      auth,
      body: fixture("scale-set-request").example,
    });
    expect(again.status).toBe(409);

    const byName = await call(
      "GET",
      `${admin.url}_apis/runtime/runnerscalesets?runnerGroupId=1&name=mac-mini-1&${q}`,
      {
        auth,
      },
    );
    expectShape(byName.body, "scale-sets");
    const patched = await call("PATCH", `${admin.url}_apis/runtime/runnerscalesets/${id}?${q}`, {
      auth,
      body: { labels: [{ name: "macos-sequoia" }, { name: "xcode" }] },
    });
    expectShape(patched.body, "scale-set");
    expect((patched.body as { labels: unknown }).labels).toEqual([
      { type: "System", name: "macos-sequoia" },
      { type: "System", name: "xcode" },
    ]);

    const session = await call("POST", `${admin.url}_apis/runtime/runnerscalesets/${id}/sessions?${q}`, {
      auth,
      body: fixture("session-request").example,
    });
    expect(session.status).toBe(200);
    expectShape(session.body, "session");
    const conflict = await call("POST", `${admin.url}_apis/runtime/runnerscalesets/${id}/sessions?${q}`, {
      auth,
      body: { ownerName: "other" },
    });
    expect(conflict.status).toBe(409);
    expect((conflict.body as { typeName: string }).typeName).toMatch(/SessionConflict/);
    const { messageQueueUrl, messageQueueAccessToken, sessionId } = session.body as Record<string, string>;
    const queueAuth = `Bearer ${messageQueueAccessToken}`;
    const poll = (lastMessageId = 0, token = queueAuth) =>
      call("GET", `${messageQueueUrl}${lastMessageId > 0 ? `?lastMessageId=${lastMessageId}` : ""}`, {
        auth: token,
        headers: { accept: "application/json; api-version=6.0-preview", "X-ScaleSetMaxCapacity": "2" },
      });

    expect((await poll()).status).toBe(202);
    const job = service.enqueueJob({ repo: `${ORG}/app`, labels: ["macos-sequoia"] });
    const first = await poll();
    expect(first.status).toBe(200);
    expectShape(first.body, "message");
    const message = first.body as { messageId: number; messageType: string; body: string };
    expect(message.messageType).toBe("RunnerScaleSetJobMessages");
    const jobs = JSON.parse(message.body) as Array<{ messageType: string }>;
    expect(jobs.map((j) => j.messageType)).toEqual(["JobAvailable"]);
    expectShape(jobs[0], "job-available");
    // Not deleted: returned again from the start, not after it.
    expect(((await poll()).body as { messageId: number }).messageId).toBe(message.messageId);
    expect(
      (await call("DELETE", `${messageQueueUrl}/${message.messageId}`, { auth: queueAuth })).status,
    ).toBe(204);

    const acquired = await call("POST", `${admin.url}_apis/runtime/runnerscalesets/${id}/acquirejobs?${q}`, {
      auth: queueAuth,
      body: [job.runnerRequestId, 999_999],
    });
    expectShape(acquired.body, "acquire-jobs");
    expect((acquired.body as { value: number[] }).value).toEqual([job.runnerRequestId]);
    const assigned = await poll(message.messageId);
    const assignedJobs = JSON.parse((assigned.body as { body: string }).body) as unknown[];
    expectShape(assignedJobs[0], "job-assigned");
    expect(
      (assigned.body as { statistics: { totalAssignedJobs: number } }).statistics.totalAssignedJobs,
    ).toBe(1);

    const jit = await call("POST", `${admin.url}_apis/runtime/runnerscalesets/${id}/generatejitconfig?${q}`, {
      auth,
      body: fixture("jit-request").example,
    });
    expect(jit.status).toBe(200);
    expectShape(jit.body, "jit-config");

    // The runner stand-in's side (src/sim/runner-protocol.ts): the JIT runner takes the assigned job.
    const files = decodeJitConfig((jit.body as { encodedJITConfig: string }).encodedJITConfig);
    expect(files.runner.serverUrl).toBe(service.url);
    const runnerBase = `${files.runner.serverUrl}/_sim/runners/${files.runner.agentId}`;
    const runnerAuth = `Bearer ${files.credentials.data.token}`;
    const runnerSession = await call("POST", `${runnerBase}/sessions`, { auth: runnerAuth, body: {} });
    expect(runnerSession.status).toBe(201);
    const sid = (runnerSession.body as { sessionId: string }).sessionId;
    const handed = await call("GET", `${runnerBase}/sessions/${sid}/job?waitMs=1000`, { auth: runnerAuth });
    expect((handed.body as { jobId: number }).jobId).toBe(job.runnerRequestId);
    expect(
      (await call("POST", `${runnerBase}/jobs/${job.runnerRequestId}/acquire`, { auth: runnerAuth })).status,
    ).toBe(200);
    expect(
      (
        await call("POST", `${runnerBase}/jobs/${job.runnerRequestId}/complete`, {
          auth: runnerAuth,
          body: { result: "Succeeded" },
        })
      ).status,
    ).toBe(200);
    const assignedId = (assigned.body as { messageId: number }).messageId;
    const later = await poll(assignedId);
    const laterJobs = JSON.parse((later.body as { body: string }).body) as Array<{ messageType: string }>;
    expect(laterJobs.map((j) => j.messageType)).toEqual(["JobStarted", "JobCompleted"]);
    expectShape(laterJobs[0], "job-started");
    expectShape(laterJobs[1], "job-completed");
    expect(laterJobs[1]).toMatchObject({ result: "Succeeded", runnerName: "tart-mac-mini-1-abc" });
    expect(service.runners()).toEqual([]);

    service.expireQueueTokens();
    expect((await poll(0)).status).toBe(401);
    const refreshed = await call(
      "PATCH",
      `${admin.url}_apis/runtime/runnerscalesets/${id}/sessions/${sessionId}?${q}`,
      {
        auth,
      },
    );
    expectShape(refreshed.body, "session");
    const newQueueAuth = `Bearer ${(refreshed.body as { messageQueueAccessToken: string }).messageQueueAccessToken}`;
    expect((await poll(0, newQueueAuth)).status).toBe(200);

    expect(
      (
        await call("DELETE", `${admin.url}_apis/runtime/runnerscalesets/${id}/sessions/${sessionId}?${q}`, {
          auth,
        })
      ).status,
    ).toBe(204);
    expect(
      (await call("DELETE", `${admin.url}_apis/runtime/runnerscalesets/${id}?${q}`, { auth })).status,
    ).toBe(204);
    expect(service.internalErrors()).toEqual([]);
  });
});
