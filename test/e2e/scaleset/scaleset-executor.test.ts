/**
 * One real executor process in scale-set mode: it creates its scale set, long-polls the fake
 * Actions service, boots a VM whose runner got its JIT config from the scale set, serves the job
 * with no webhook at all, leaves nothing behind; `tart-executor scaleset remove` deletes the set.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { startFakeActionsService } from "../../../src/sim/actions-service/actions-service.js";
import {
  clonedVms,
  IMAGE_WITH_RUNNER,
  leftovers,
  SIM_ORG,
  useE2eWorld,
  waitFor,
  waitForVmsDeleted,
} from "../../helpers/e2e-world.js";
import { runExecutorCli } from "../../helpers/executor-process.js";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 90_000 });

describe("scale-set mode", () => {
  it("serves a job from the scale set's queue with no inbound webhook, then `scaleset remove` deletes the set", async (context) => {
    const world = await useE2eWorld(context);
    const service = await startFakeActionsService({ github: world.github, pollWaitMs: 1000 });
    context.onTestFinished(() => service.close());
    const labels = ["tartelet", IMAGE_WITH_RUNNER];
    const overrides = {
      github: { jobSource: "scaleset", webhookSecret: undefined, scaleSet: { name: "mini-1-set", labels } },
      webhook: { host: "127.0.0.1" },
    };
    // No webhook secret at all: scale-set mode does not need one.
    expect(readFileSync(world.config(overrides), "utf8")).not.toContain("webhookSecret");
    const executor = await world.startExecutor(overrides);
    await waitFor(() => service.scaleSets()[0]?.session, 30_000, "the executor's scale-set session");
    expect(service.scaleSets().map((s) => [s.name, s.labels.map((l) => l.name)])).toEqual([
      ["mini-1-set", labels],
    ]);

    const job = service.enqueueJob({ repo: `${SIM_ORG}/app`, labels, durationMs: 300 });
    await waitFor(() => job.state === "completed", 60_000, "the job to complete");
    expect(job.conclusion).toBe("Succeeded");
    const [vm, ...others] = clonedVms(world);
    expect(others).toEqual([]);
    expect(job.runnerName).toBe(vm);
    await waitForVmsDeleted(executor, 1);
    expect(await leftovers(world)).toEqual({ vms: [], runners: [] });
    expect(service.runners()).toEqual([]);
    // No webhook was involved: the fake GitHub delivered nothing.
    expect(world.github.deliveries()).toEqual([]);
    const messages = executor
      .logs()
      .filter((l) => l.msg === "workflow job" || l.msg === "scale-set jobs acquired");
    expect(messages.length).toBeGreaterThan(0);

    const status = (await (await fetch(`${executor.url}/status`)).json()) as {
      scaleSet?: { session: string; lastMessageAt: number | null; scaleSet: { name: string } | null };
    };
    expect(status.scaleSet).toMatchObject({ session: "connected", scaleSet: { name: "mini-1-set" } });
    expect(status.scaleSet?.lastMessageAt).toEqual(expect.any(Number));
    const metrics = await (await fetch(`${executor.url}/metrics`)).text();
    expect(metrics).toMatch(/tart_executor_scaleset_messages_total\{[^}]*type="JobAssigned"[^}]*\} 1/);
    expect(metrics).toMatch(/tart_executor_scaleset_messages_total\{[^}]*type="JobCompleted"[^}]*\} 1/);
    expect(metrics).toMatch(/tart_executor_scaleset_session\{[^}]*state="connected"[^}]*\} 1/);
    expect(metrics).toMatch(/tart_executor_scaleset_acquire_seconds_count\{[^}]*\} 1/);
    expect(metrics).toContain("tart_executor_webhooks_total");
    // A webhook, even one that claims to be signed, is refused: no secret is trusted in this mode.
    const webhook = await fetch(`${executor.url}/webhook`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "workflow_job",
        "x-hub-signature-256": "sha256=00",
      },
      body: "{}",
    });
    expect(webhook.status).toBe(401);

    await executor.stop("SIGTERM", 30_000);
    expect(service.scaleSets()[0]?.session).toBeUndefined();
    const removed = await runExecutorCli(["scaleset", "remove", "--config", world.config(overrides)], {
      env: { HOME: world.root },
    });
    expect(removed.stdout).toContain('removed runner scale set "mini-1-set"');
    expect(removed.code).toBe(0);
    expect(service.scaleSets()).toEqual([]);
    const again = await runExecutorCli(["scaleset", "remove", "--config", world.config(overrides)], {
      env: { HOME: world.root },
    });
    expect(again.stdout).toContain("nothing to remove");
    expect(service.internalErrors()).toEqual([]);
  });
});
