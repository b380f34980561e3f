/**
 * The scale-set listener against the fake Actions service over loopback HTTP: bootstrap, jobs into
 * the durable ledger, acknowledgement after durability, capacity, and the failures it must ride out.
 */
import { afterEach, describe, expect, it } from "vitest";
import { jobKey } from "../../../src/executor/model.js";
import { generateScaleSetJitConfig } from "../../../src/scaleset/scale-set-api.js";
import { decodeJitConfig } from "../../../src/sim/runner-protocol.js";
import { LABELS, ORG, startScaleSetWorld, until, type Host, type ScaleSetWorld } from "./scaleset-world.js";

let world: ScaleSetWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const job = (w: ScaleSetWorld, extra: { durationMs?: number } = {}) =>
  w.service.enqueueJob({ repo: `${ORG}/app`, labels: LABELS, ...extra });

const statusOf = (host: Host, requestId: number) =>
  host.store.ledger.jobs.get(jobKey(`${ORG}/app`, requestId, 1))?.status;

/** Plays a JIT runner of the host's scale set (the runner stand-in's protocol) for one job. */
async function runOneJob(w: ScaleSetWorld, host: Host, name: string): Promise<number> {
  const scaleSet = host.listener.scaleSet;
  if (scaleSet === null) throw new Error("no scale set yet");
  const jit = await generateScaleSetJitConfig(w.connection(), scaleSet.id, { name, workFolder: "_work" });
  const files = decodeJitConfig(jit.encodedJITConfig);
  const base = `${files.runner.serverUrl}/_sim/runners/${files.runner.agentId}`;
  const headers = {
    authorization: `Bearer ${files.credentials.data.token}`,
    "content-type": "application/json",
  };
  const session = (await (
    await fetch(`${base}/sessions`, { method: "POST", headers, body: "{}" })
  ).json()) as {
    sessionId: string;
  };
  const handed = (await (
    await fetch(`${base}/sessions/${session.sessionId}/job?waitMs=5000`, { headers })
  ).json()) as { jobId: number };
  await fetch(`${base}/jobs/${handed.jobId}/acquire`, { method: "POST", headers, body: "{}" });
  await fetch(`${base}/jobs/${handed.jobId}/complete`, {
    method: "POST",
    headers,
    body: JSON.stringify({ result: "Succeeded" }),
  });
  return handed.jobId;
}

describe("scale-set listener", () => {
  it("creates its scale set, takes a job through queued, in progress and completed, and acknowledges only durable messages", async () => {
    world = await startScaleSetWorld();
    const w = world;
    const host = w.startHost("mac-1");
    await until(() => w.service.scaleSets()[0]?.session, 10_000, "a session");
    expect(w.service.scaleSets().map((s) => [s.name, s.labels.map((l) => l.name)])).toEqual([
      ["mac-1", LABELS],
    ]);
    const queued = job(w);
    await until(() => statusOf(host, queued.runnerRequestId) === "queued", 10_000, "queued in the ledger");
    const runnerName = "tart-mac-1-r1";
    expect(await runOneJob(w, host, runnerName)).toBe(queued.runnerRequestId);
    await until(() => statusOf(host, queued.runnerRequestId) === "completed", 10_000, "completed");
    const record = host.store.ledger.jobs.get(jobKey(`${ORG}/app`, queued.runnerRequestId, 1));
    expect(record).toMatchObject({ runnerName, conclusion: "success", runId: queued.workflowRunId });
    // Every message whose job was recorded was acknowledged after the record was durable.
    const messageOf = (deliveryId: string) => Number(deliveryId.split(":").at(-1));
    await until(
      () => host.recorded.every((r) => w.service.acks().some((a) => a.messageId === messageOf(r.deliveryId))),
      10_000,
      "every recorded message acknowledged",
    );
    for (const entry of host.recorded) {
      const messageId = Number(entry.deliveryId.split(":").at(-1));
      const ack = w.service.acks().find((a) => a.messageId === messageId);
      expect(ack, entry.deliveryId).toBeDefined();
      expect(ack?.atMs ?? 0).toBeGreaterThanOrEqual(entry.durableAt);
    }
    expect(host.listener.status()).toMatchObject({ session: "connected", scaleSet: { name: "mac-1" } });
    expect(host.listener.status().lastMessageAt).not.toBeNull();
    await host.stop();
    // Shutdown closes the session: another listener can open one at once.
    expect(w.service.scaleSets()[0]?.session).toBeUndefined();
    expect(w.service.internalErrors()).toEqual([]);
  });

  it("advertises its free slots minus what it acquired, and acquires no more than fits", async () => {
    world = await startScaleSetWorld();
    const w = world;
    const host = w.startHost("mac-1", { slots: 1 });
    await until(() => w.service.scaleSets()[0]?.session, 10_000, "a session");
    const jobs = [job(w), job(w), job(w)];
    await until(() => jobs.some((j) => j.state === "assigned"), 10_000, "one assigned job");
    // Give the listener time for several more polls: still only one job is ours.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(jobs.filter((j) => j.state === "assigned")).toHaveLength(1);
    const setId = w.service.scaleSets()[0]?.id ?? 0;
    host.slots = 0; // the ledger now holds that job: the wiring counts it as taken
    await until(() => w.service.lastPoll(setId)?.capacity === 0, 5000, "capacity 0");
    host.slots = 3;
    await until(() => jobs.every((j) => j.state === "assigned"), 10_000, "all assigned");
    expect(jobs.map((j) => j.assignments)).toEqual([[setId], [setId], [setId]]);
  });

  it("spreads jobs between scale sets with identical labels by their advertised capacity; each job goes to one", async () => {
    world = await startScaleSetWorld();
    const w = world;
    const small = w.startHost("mac-small", { slots: 1 });
    const big = w.startHost("mac-big", { slots: 3 });
    await until(
      () => w.service.scaleSets().length === 2 && w.service.scaleSets().every((s) => s.capacity > 0),
      10_000,
      "two polling scale sets",
    );
    const jobs = [job(w), job(w), job(w), job(w)];
    await until(() => jobs.every((j) => j.state === "assigned"), 15_000, "all assigned");
    const idOf = (name: string) => w.service.scaleSets().find((s) => s.name === name)?.id;
    const per = (id: number | undefined) => jobs.filter((j) => j.assignedTo === id).length;
    expect(per(idOf("mac-small"))).toBe(1);
    expect(per(idOf("mac-big"))).toBe(3);
    for (const j of jobs) expect(j.assignments).toHaveLength(1);
    await until(
      () =>
        jobs.every(
          (j) => (statusOf(small, j.runnerRequestId) ?? statusOf(big, j.runnerRequestId)) === "queued",
        ),
      10_000,
      "every job queued in exactly one ledger",
    );
    for (const j of jobs)
      expect(
        [statusOf(small, j.runnerRequestId), statusOf(big, j.runnerRequestId)].filter(Boolean),
      ).toHaveLength(1);
  });

  it("says clearly when another listener holds the session, and connects once it is released", async () => {
    world = await startScaleSetWorld();
    const w = world;
    const first = w.startHost("mac-1");
    await until(() => first.listener.status().session === "connected", 10_000, "connected");
    await first.stop();
    expect(w.service.scaleSets()[0]?.session).toBeUndefined();
    w.service.holdSession("mac-1", "someone-else");
    const host = w.startHost("mac-1");
    await until(() => host.listener.status().session === "conflict", 10_000, "conflict state");
    const error = host.logs.find((l) => l["level"] === 50);
    expect(String(error?.["msg"])).toMatch(/"mac-1" already has a message session held by another listener/);
    w.service.releaseSession("mac-1");
    await until(() => host.listener.status().session === "connected", 10_000, "connected");
    const queued = job(w);
    await until(() => statusOf(host, queued.runnerRequestId) === "queued", 10_000, "queued");
  });

  it("refreshes the session on a 401 from the queue and the admin token when it is revoked", async () => {
    world = await startScaleSetWorld();
    const w = world;
    const host = w.startHost("mac-1");
    await until(() => w.service.scaleSets()[0]?.session, 10_000, "a session");
    const sessionId = w.service.scaleSets()[0]?.session?.sessionId;
    w.service.expireQueueTokens();
    w.service.revokeAdminTokens();
    const queued = job(w);
    await until(() => statusOf(host, queued.runnerRequestId) === "queued", 10_000, "queued");
    expect(w.service.scaleSets()[0]?.session?.sessionId).toBe(sessionId);
    expect(w.service.requests().some((r) => r.method === "PATCH" && r.path.includes("/sessions/"))).toBe(
      true,
    );
    const exchanges = w.github.requests().filter((r) => r.path === "/actions/runner-registration");
    expect(exchanges.length).toBeGreaterThanOrEqual(2);
  });

  it("backs off on 5xx, 429 and dropped long polls, and keeps its session", async () => {
    world = await startScaleSetWorld();
    const w = world;
    const host = w.startHost("mac-1");
    await until(() => w.service.scaleSets()[0]?.session, 10_000, "a session");
    const sessionId = w.service.scaleSets()[0]?.session?.sessionId;
    const outage = w.service.faults.inject({
      method: "GET",
      path: /\/messages$/,
      times: 3,
      response: { kind: "status", status: 503 },
    });
    const limited = w.service.faults.inject({
      method: "POST",
      path: /acquirejobs$/,
      times: 1,
      response: { kind: "rate-limit", status: 429, retryAfterSeconds: 1 },
    });
    w.service.dropNextPolls(2);
    const queued = job(w);
    await until(() => statusOf(host, queued.runnerRequestId) === "queued", 20_000, "queued");
    expect(outage.fired).toBe(3);
    expect(limited.fired).toBe(1);
    expect(w.service.scaleSets()[0]?.session?.sessionId).toBe(sessionId);
    expect(host.logs.some((l) => String(l["msg"]).includes("retrying"))).toBe(true);
  });

  it("drops hostile messages (unknown type, malformed JSON, oversized) without crashing or losing the session", async () => {
    world = await startScaleSetWorld();
    const w = world;
    const host = w.startHost("mac-1");
    await until(() => w.service.scaleSets()[0]?.session, 10_000, "a session");
    const sessionId = w.service.scaleSets()[0]?.session?.sessionId;
    w.service.pushRawMessage("mac-1", "SomethingNew", "[]");
    w.service.pushRawMessage("mac-1", "RunnerScaleSetJobMessages", "{not json");
    w.service.pushRawMessage(
      "mac-1",
      "RunnerScaleSetJobMessages",
      JSON.stringify([{ messageType: "JobTeleported" }]),
    );
    w.service.pushRawMessage("mac-1", "RunnerScaleSetJobMessages", "x".repeat(5 * 1024 * 1024));
    const queued = job(w);
    await until(() => statusOf(host, queued.runnerRequestId) === "queued", 20_000, "queued after them");
    expect(w.service.scaleSets()[0]?.session?.sessionId).toBe(sessionId);
    expect(
      w.service
        .acks()
        .map((a) => a.messageId)
        .slice(0, 4),
    ).toEqual([1, 2, 3, 4]);
    const dropped = host.logs.filter((l) => l["msg"] === "scale-set message dropped").map((l) => l["reason"]);
    expect(dropped).toEqual([
      'unsupported message type "SomethingNew"',
      "message body is not JSON",
      "message larger than 4194304 bytes",
    ]);
    expect(host.logs.some((l) => l["msg"] === "scale-set job message skipped")).toBe(true);
  });

  it("keeps one ledger job through reassignments when no runner comes (at most 3)", async () => {
    world = await startScaleSetWorld({ runnerTimeoutMs: 300 });
    const w = world;
    const host = w.startHost("mac-1", { slots: 2 });
    await until(() => w.service.scaleSets()[0]?.session, 10_000, "a session");
    const queued = job(w);
    await until(
      () => queued.reassignments === 3 && queued.state === "assigned",
      20_000,
      "three reassignments",
    );
    expect(queued.assignments).toHaveLength(4);
    await until(
      () =>
        (host.store.ledger.jobs.get(jobKey(`${ORG}/app`, queued.runnerRequestId, 1))?.deliveries.length ??
          0) >= 4,
      10_000,
      "four JobAssigned deliveries",
    );
    expect([...host.store.ledger.jobs.keys()]).toEqual([jobKey(`${ORG}/app`, queued.runnerRequestId, 1)]);
    expect(statusOf(host, queued.runnerRequestId)).toBe("queued");
  });

  it("reads a message again when its acknowledgement fails, and the ledger takes the repeat as a duplicate", async () => {
    world = await startScaleSetWorld();
    const w = world;
    const host = w.startHost("mac-1");
    await until(() => host.listener.status().session === "connected", 10_000, "connected");
    // Message 1 offers the job (JobAvailable), message 2 assigns it: its acknowledgement fails twice.
    const ackFails = w.service.faults.inject({
      method: "DELETE",
      path: /\/messages\/2$/,
      times: 2,
      response: { kind: "status", status: 503 },
    });
    const queued = job(w);
    await until(() => statusOf(host, queued.runnerRequestId) === "queued", 10_000, "queued");
    await until(() => host.recorded.some((r) => r.status === "duplicate"), 10_000, "a duplicate record");
    await until(() => w.service.acks().some((a) => a.messageId === 2), 10_000, "message 2 acknowledged");
    expect(ackFails.fired).toBe(2);
    const record = host.store.ledger.jobs.get(jobKey(`${ORG}/app`, queued.runnerRequestId, 1));
    // One JobAssigned message, recorded once however often it was read.
    expect(record?.deliveries.filter((d) => d.startsWith("scaleset:JobAssigned:"))).toHaveLength(1);
  });
});
