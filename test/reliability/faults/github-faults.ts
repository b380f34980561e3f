/**
 * GitHub misbehaving (fake GitHub faults.inject): 5xx, 429 and secondary-rate-limit 403s with
 * Retry-After, hung requests, a JIT 409 for a stale registration with the VM's name, a runner
 * DELETE answered 422 (busy), and webhook deliveries that failed while the executor was down.
 * Against the real executor process; every job must still be served, and nothing left behind.
 */
import { readFileSync } from "node:fs";
import { describe, expect } from "vitest";
import { systemClock } from "../../../src/clock.js";
import { GitHubClient } from "../../../src/github/github-client.js";
import { expectCleanEnd, expectServed } from "../../helpers/rel-expect.js";
import { scenario } from "../../helpers/rel-totals.js";
import { waitFor } from "../../helpers/e2e-world.js";
import { type RelWorld } from "../../helpers/rel-world.js";

const JIT = /^\/orgs\/acme\/actions\/runners\/generate-jitconfig$/;
const ACCESS_TOKENS = /^\/app\/installations\/\d+\/access_tokens$/;
const RUNNER = /^\/orgs\/acme\/actions\/runners\/\d+$/;

function requestsTo(world: RelWorld, method: string, path: RegExp) {
  return world.sim.github
    .requests()
    .filter((request) => request.method === method && path.test(request.path));
}

/** Registers the scenarios (run by faults.test.ts). */
export function describeGitHubFaults(): void {
  describe.concurrent("GitHub faults", () => {
    scenario(
      "generate-jitconfig answers 5xx three times: retried with backoff, served",
      90_000,
      async (t) => {
        const world = await t.world();
        await world.startExecutor();
        const fault = world.sim.github.faults.inject({
          method: "POST",
          path: JIT,
          times: 3,
          response: { kind: "status", status: 502, message: "Bad Gateway" },
        });
        const job = world.queue();
        await expectServed(world, t, job, 60_000);
        t.fault(fault.fired);
        expect(fault.fired).toBe(3);
        const statuses = requestsTo(world, "POST", JIT).map((request) => request.status);
        expect(statuses).toEqual([502, 502, 502, 201]);
        await expectCleanEnd(world, t);
      },
    );

    scenario("generate-jitconfig answers 429 with Retry-After: waits as told, served", 90_000, async (t) => {
      const world = await t.world();
      await world.startExecutor();
      const fault = world.sim.github.faults.inject({
        method: "POST",
        path: JIT,
        times: 1,
        response: { kind: "rate-limit", status: 429, retryAfterSeconds: 2 },
      });
      const job = world.queue();
      await expectServed(world, t, job);
      t.fault(fault.fired);
      const [limited, retried] = requestsTo(world, "POST", JIT);
      expect(limited?.status).toBe(429);
      expect(retried?.status).toBe(201);
      const waitedMs = (retried?.atMs ?? 0) - (limited?.atMs ?? 0);
      t.figure("retry after ms", waitedMs);
      expect(waitedMs).toBeGreaterThanOrEqual(1_900);
      await expectCleanEnd(world, t);
    });

    scenario(
      "access-token endpoint answers 5xx and a secondary-rate-limit 403 on token refresh: served",
      90_000,
      async (t) => {
        const world = await t.world();
        await world.startExecutor();
        // A 401 on generate-jitconfig makes the executor refresh its installation token, which then
        // meets a 502 and a secondary rate limit (403 + Retry-After) before it is issued.
        const unauthorized = world.sim.github.faults.inject({
          method: "POST",
          path: JIT,
          times: 1,
          response: { kind: "status", status: 401, message: "Bad credentials" },
        });
        const serverError = world.sim.github.faults.inject({
          method: "POST",
          path: ACCESS_TOKENS,
          times: 1,
          response: { kind: "status", status: 502 },
        });
        const rateLimited = world.sim.github.faults.inject({
          method: "POST",
          path: ACCESS_TOKENS,
          times: 1,
          response: { kind: "rate-limit", status: 403, retryAfterSeconds: 1 },
        });
        const job = world.queue();
        await expectServed(world, t, job, 60_000);
        t.fault(unauthorized.fired + serverError.fired + rateLimited.fired);
        expect([unauthorized.fired, serverError.fired, rateLimited.fired]).toEqual([1, 1, 1]);
        expect(
          requestsTo(world, "POST", ACCESS_TOKENS)
            .map((request) => request.status)
            .slice(-3),
        ).toEqual([502, 403, 201]);
        await expectCleanEnd(world, t);
      },
    );

    scenario(
      "generate-jitconfig hangs (no answer): the request times out, the job is still served",
      90_000,
      async (t) => {
        const world = await t.world();
        await world.startExecutor({ timeouts: { runnerOnline: 5, githubRequest: 4 } });
        const fault = world.sim.github.faults.inject({
          method: "POST",
          path: JIT,
          times: 1,
          response: { kind: "delay", ms: 600_000 },
        });
        const started = Date.now();
        const job = world.queue();
        t.fault();
        // The request is abandoned after timeouts.githubRequest (4 s) and retried; the retry
        // registers the runner and the job is served by the same VM.
        await expectServed(world, t, job, 45_000);
        t.figure("served after ms", Date.now() - started);
        const abandoned = await world.executor.waitForLog(
          (line) => line.msg === "GitHub request failed" && /generate-jitconfig/.test(String(line["route"])),
          5_000,
        );
        expect(abandoned["outcome"]).toBe("timeout");
        expect(fault.fired).toBe(1);
        await expectCleanEnd(world, t);
      },
    );

    scenario(
      "runner DELETE hangs during teardown: bounded by timeouts.teardown, the slot is freed",
      90_000,
      async (t) => {
        const world = await t.world();
        await world.startExecutor({ tart: { numberOfVirtualMachines: 1 }, timeouts: { teardown: 5 } });
        const fault = world.sim.github.faults.inject({
          method: "DELETE",
          path: RUNNER,
          times: 1,
          response: { kind: "delay", ms: 600_000 },
        });
        const first = world.queue();
        await expectServed(world, t, first);
        await waitFor(() => fault.fired === 1, 20_000, "the teardown's runner DELETE");
        t.fault();
        const started = Date.now();
        // One slot: the next job needs the first VM's teardown to end.
        const second = world.queue();
        await expectServed(world, t, second, 40_000);
        t.figure("second job served after ms", Date.now() - started);
        await expectCleanEnd(world, t);
      },
    );

    scenario(
      "JIT 409: a stale registration already has the VM's name; deleted, retried, served",
      90_000,
      async (t) => {
        const world = await t.world();
        await world.startExecutor();
        // Hold the executor's generate-jitconfig for 8 s and, meanwhile, register a runner with the
        // very name the executor asked for (what a crash between GitHub's answer and our journal
        // write leaves behind). GitHub then answers the held request 409 Conflict.
        const hold = world.sim.github.faults.inject({
          method: "POST",
          path: JIT,
          times: 1,
          response: { kind: "delay", ms: 8_000 },
        });
        const job = world.queue();
        const vm = String(
          (await world.executor.waitForLog((line) => line.msg === "starting vm", 20_000, "the VM start"))[
            "vm"
          ],
        );
        await waitFor(() => hold.fired === 1, 20_000, "the executor's generate-jitconfig");
        const client = new GitHubClient({
          appId: String(world.sim.github.appId),
          privateKeyPem: readFileSync(world.sim.privateKeyPath, "utf8"),
          apiUrl: world.sim.github.apiUrl,
          scope: { kind: "organization", org: "acme" },
          clock: systemClock,
          userAgent: "reliability-suite",
        });
        const stale = await client.generateJitConfig({
          name: vm,
          labels: ["self-hosted", "tartelet"],
          runnerGroupId: 1,
          workFolder: "_work",
        });
        // The stale registration exists before GitHub answers the executor's held request.
        expect(requestsTo(world, "POST", JIT)[0]?.status).toBe(0);
        t.fault();
        await expectServed(world, t, job);
        const statuses = requestsTo(world, "POST", JIT).map((request) => request.status);
        expect(statuses).toContain(409);
        expect(requestsTo(world, "DELETE", RUNNER).map((request) => request.path)).toContain(
          `/orgs/acme/actions/runners/${stale.runner.id}`,
        );
        await expectCleanEnd(world, t);
      },
    );

    scenario(
      "runner DELETE answered 422 (busy): retried after the job, registration removed",
      90_000,
      async (t) => {
        const world = await t.world();
        await world.startExecutor();
        const fault = world.sim.github.faults.inject({
          method: "DELETE",
          path: RUNNER,
          times: 1,
          response: { kind: "status", status: 422, message: "Bad request - Runner is still running a job" },
        });
        const job = world.queue();
        await expectServed(world, t, job);
        await expectCleanEnd(world, t);
        await waitFor(() => requestsTo(world, "DELETE", RUNNER).length >= 2, 20_000, "the DELETE retry");
        t.fault(fault.fired);
        const [busy, retried] = requestsTo(world, "DELETE", RUNNER);
        expect(busy?.status).toBe(422);
        expect([204, 404]).toContain(retried?.status);
        t.figure("retried after ms", (retried?.atMs ?? 0) - (busy?.atMs ?? 0));
      },
    );

    scenario(
      "webhooks that failed while the executor was down are redelivered at start: served",
      90_000,
      async (t) => {
        const world = await t.world();
        // Nothing listens yet: GitHub records the deliveries as failed and does not retry them.
        const jobs = [world.queue(), world.queue()];
        await world.sim.github.dispatcher.deliveriesIdle();
        const failed = world.sim.github.deliveries().filter((delivery) => delivery.statusCode === null);
        expect(failed.length).toBe(2);
        t.fault(failed.length);
        await world.startExecutor();
        for (const job of jobs) await expectServed(world, t, job);
        const redelivered = world.sim.github.deliveries().filter((delivery) => delivery.redelivery);
        expect(redelivered.map((delivery) => delivery.guid).sort()).toEqual(
          failed.map((delivery) => delivery.guid).sort(),
        );
        await expectCleanEnd(world, t);
      },
    );
  });
}
