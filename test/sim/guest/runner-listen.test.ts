import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeActionsService } from "./helpers/fake-actions-service.js";
import { RUNNER_ID, RUNNER_TOKEN, startFakeActionsService } from "./helpers/fake-actions-service.js";
import { runRunner, startRunner } from "./helpers/runner-process.js";
import { makeTempDir, waitUntil } from "./helpers/temp-dir.js";

const DATE = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ`;
const runner = `/_sim/runners/${RUNNER_ID}`;
const job = {
  jobId: 9,
  runId: 3,
  name: "build",
  repo: "octo-org/app",
  durationMs: 300,
  result: "Succeeded",
} as const;

describe("runner stand-in: run.sh", () => {
  let service: FakeActionsService;
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(async () => {
    service = await startFakeActionsService();
    temp = makeTempDir("sim-runner-");
  });
  afterEach(async () => {
    await service.close();
    temp.remove();
  });

  it("--jitconfig: connects, runs one job, reports it, goes offline and exits 0", async () => {
    service.queueJob(job);
    const result = await runRunner("run", ["--jitconfig", service.jitConfig()], temp.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        [
          "^√ Connected to GitHub\n\n",
          "Current runner version: '2\\.336\\.0'\n",
          `${DATE}: Listening for Jobs\n`,
          `${DATE}: Running job: build\n`,
          `${DATE}: Job build completed with result: Succeeded\n`,
          "√ Removed \\.credentials\n√ Removed \\.credentials_rsaparams\n√ Removed \\.runner\n",
          "Runner listener exit with 0 return code, stop the service, no retry needed\\.\n",
          "Exiting runner\\.\\.\\.\n$",
        ].join(""),
      ),
    );
    expect(service.conversation()).toEqual([
      `POST ${runner}/sessions`,
      `GET ${runner}/sessions/s-1/job`,
      `POST ${runner}/jobs/9/acquire`,
      ...service.conversation().filter((line) => line.endsWith("/renew")),
      `POST ${runner}/jobs/9/complete`,
      `DELETE ${runner}/sessions/s-1`,
    ]);
    const renews = service.conversation().filter((line) => line.endsWith("/renew"));
    expect(renews.length).toBeGreaterThanOrEqual(3); // every durationMs/4 = 75 ms over 300 ms
    expect(service.requests.every((r) => r.authorization === `Bearer ${RUNNER_TOKEN}`)).toBe(true);
    expect(service.requests[0]?.userAgent).toBe("GitHubActionsRunner-osx-arm64/2.336.0");
    expect(service.requests.find((r) => r.path.endsWith("/complete"))?.body).toEqual({ result: "Succeeded" });
    expect(service.requests.find((r) => r.path.includes("/job?"))?.path).toMatch(/waitMs=50000$/);
    // An ephemeral runner leaves no configuration behind.
    expect(existsSync(path.join(temp.dir, ".runner"))).toBe(false);
  });

  it("takes the JIT config from ACTIONS_RUNNER_INPUT_JITCONFIG and reports a failed job", async () => {
    service.queueJob({ ...job, result: "Failed" });
    const result = await runRunner("run", [], temp.dir, {
      ACTIONS_RUNNER_INPUT_JITCONFIG: service.jitConfig(),
    });
    expect(result.code).toBe(0); // run.sh's exit code does not tell
    expect(result.stdout).toMatch(new RegExp(`${DATE}: Job build completed with result: Failed\n`));
    expect(service.requests.find((r) => r.path.endsWith("/complete"))?.body).toEqual({ result: "Failed" });
  });

  it("reports Canceled when the service cancels the job through the renew answer", async () => {
    service.queueJob({ ...job, durationMs: 20_000 });
    const started = Date.now();
    const listener = startRunner("run", ["--jitconfig", service.jitConfig()], temp.dir);
    await waitUntil(() => listener.stdout().includes("Running job: build"), 10_000, "the job to start");
    service.cancelJob(job.jobId);
    const result = await listener.exited;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.stdout).toMatch(new RegExp(`${DATE}: Job build completed with result: Canceled\n`));
    expect(service.requests.find((r) => r.path.endsWith("/complete"))?.body).toEqual({ result: "Canceled" });
  });

  it("exits 0 after cleaning up when the service deleted the runner while it was idle", async () => {
    const listener = startRunner("run", ["--jitconfig", service.jitConfig()], temp.dir);
    await waitUntil(() => listener.stdout().includes("Listening for Jobs"), 10_000, "the runner to listen");
    expect(existsSync(path.join(temp.dir, ".runner"))).toBe(true);
    service.deleteRunner();
    const result = await listener.exited;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("The runner no longer exists on the server");
    expect(result.stdout).toContain("Runner listener exit with 0 return code");
    expect(existsSync(path.join(temp.dir, ".runner"))).toBe(false);
    expect(service.conversation().some((line) => line.endsWith("/acquire"))).toBe(false);
  });

  it("gives up on a session conflict (listener code 5; run.sh still exits 0)", async () => {
    service.holdSession();
    const raw = await runRunner("listener", ["run", "--jitconfig", service.jitConfig()], temp.dir);
    expect(raw.code).toBe(5);
    expect(raw.stderr).toContain("A session for this runner already exists.");
    const viaRunSh = await runRunner("run", ["--jitconfig", service.jitConfig()], temp.dir);
    expect(viaRunSh.code).toBe(0);
    expect(viaRunSh.stdout).toContain("Runner listener exit with Session Conflict error");
  });

  it("refuses to run unconfigured and rejects unknown arguments", async () => {
    const unconfigured = await runRunner("listener", ["run"], temp.dir);
    expect(unconfigured.code).toBe(1);
    expect(unconfigured.stderr).toContain(
      "An error occurred: Not configured. Run config.(sh/cmd) to configure the runner.",
    );
    const unknown = await runRunner("listener", ["run", "--bogus"], temp.dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Unrecognized command-line input arguments: '--bogus'");
    const version = await runRunner("run", ["--version"], temp.dir);
    expect(version.stdout).toBe("2.336.0\n");
  });

  it("retries while the service is unreachable, logging each retry, and carries on", async () => {
    service.setUnreachable(true);
    service.queueJob(job);
    const listener = startRunner("run", ["--jitconfig", service.jitConfig()], temp.dir);
    // However slow the runner starts (a loaded machine), let it fail at least twice.
    await waitUntil(
      () => (listener.stderr().match(/Retrying until reconnected/g)?.length ?? 0) >= 2,
      20_000,
      "two connect retries",
    );
    service.setUnreachable(false);
    const result = await listener.exited;
    expect(result.stderr).toMatch(
      new RegExp(`${DATE}: Runner connect error: .*Retrying until reconnected\\.`),
    );
    expect(result.stderr.match(/Retrying until reconnected/g)?.length).toBeGreaterThanOrEqual(2);
    expect(result.stdout).toContain("Job build completed with result: Succeeded");
  });

  it("dies at once, reporting nothing, when its VM's process dies (power loss)", async () => {
    service.queueJob({ ...job, durationMs: 20_000 });
    const vm = spawn("sleep", ["60"], { stdio: "ignore" });
    const listener = startRunner("run", ["--jitconfig", service.jitConfig()], temp.dir, {
      TART_SIM_VM_PID: String(vm.pid),
      TART_SIM_VM_DIR: temp.dir,
    });
    await waitUntil(() => listener.stdout().includes("Running job: build"), 10_000, "the job to start");
    const killedAt = Date.now();
    vm.kill("SIGKILL");
    const result = await listener.exited;
    expect(Date.now() - killedAt).toBeLessThan(2_000);
    expect(result.signal).toBe("SIGKILL");
    expect(result.stdout).not.toContain("completed with result");
    expect(
      service.conversation().some((line) => line.endsWith("/complete") || line.startsWith("DELETE")),
    ).toBe(false);
  });

  it("dies at once when its VM starts powering off", async () => {
    const listener = startRunner("run", ["--jitconfig", service.jitConfig()], temp.dir, {
      TART_SIM_VM_PID: String(process.pid),
      TART_SIM_VM_DIR: temp.dir,
    });
    await waitUntil(() => listener.stdout().includes("Listening for Jobs"), 10_000, "the runner to listen");
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(listener.child.exitCode).toBeNull(); // alive while its VM is
    writeFileSync(path.join(temp.dir, ".sim-poweroff"), "halt\n");
    const result = await listener.exited;
    expect(result.signal).toBe("SIGKILL");
    // Power loss leaves the JIT files on the (soon deleted) disk.
    expect(JSON.parse(readFileSync(path.join(temp.dir, ".runner"), "utf8"))).toMatchObject({
      agentId: RUNNER_ID,
    });
  });
});
