import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TestGuest } from "./helpers/boot-test-guest.js";
import { bootTestGuest, PASSWORD, USERNAME } from "./helpers/boot-test-guest.js";
import { ensureRunnerBuilt } from "./helpers/ensure-runner-built.js";
import type { FakeActionsService } from "./helpers/fake-actions-service.js";
import { REGISTRATION_TOKEN, startFakeActionsService } from "./helpers/fake-actions-service.js";
import { guestCommandLines } from "./helpers/guest-processes.js";
import type { SshClient } from "./helpers/ssh-session.js";
import { connectSsh, exec } from "./helpers/ssh-session.js";
import { waitUntil } from "./helpers/temp-dir.js";

const job = {
  jobId: 9,
  runId: 3,
  name: "build",
  repo: "octo-org/app",
  durationMs: 200,
  result: "Succeeded",
} as const;

/** The daemon's way of starting a runner: detached from the SSH session, output to a log, power off after. */
const detached = (script: string): string =>
  `nohup sh -c '${script.replaceAll("'", `'\\''`)}' > /dev/null 2>&1 < /dev/null &`;

/** The results the runner reported for job 9. */
const reported = (service: FakeActionsService): unknown[] =>
  service.requests.filter((r) => r.path.endsWith("/jobs/9/complete")).map((r) => r.body);

describe("a simulated VM running the seeded runner over SSH", () => {
  let service: FakeActionsService;
  let guest: TestGuest | undefined;
  let client: SshClient | undefined;
  beforeAll(() => ensureRunnerBuilt(), 200_000);
  afterEach(async () => {
    client?.end();
    await guest?.dispose();
    await service.close();
    guest = undefined;
    client = undefined;
  });

  async function boot(): Promise<{ guest: TestGuest; client: SshClient }> {
    service = await startFakeActionsService();
    guest = await bootTestGuest();
    client = await connectSsh(guest.ip, guest.port, USERNAME, PASSWORD);
    return { guest, client };
  }

  it("a runner started from a login shell runs one JIT job (brew, node, pod install pass), then the guest shuts down", async () => {
    const { guest, client } = await boot();
    service.queueJob(job);
    const started = await exec(
      client,
      detached(
        `zsh -l -c 'cd ~/actions-runner && ACTIONS_RUNNER_INPUT_JITCONFIG=${service.jitConfig()} ./run.sh' > ~/runner.log 2>&1; sudo shutdown -h now`,
      ),
    );
    expect(started.code).toBe(0);
    client.end(); // the daemon disconnects; the runner carries on
    const { powerOffs } = guest;
    await waitUntil(() => powerOffs.length > 0, 15_000, "the guest to power off");
    const log = readFileSync(path.join(guest.home, "runner.log"), "utf8");
    expect(log).toContain("√ Connected to GitHub");
    expect(log).toContain("Job build completed with result: Succeeded");
    expect(log).toContain("Exiting runner...");
    expect(powerOffs).toEqual(["shutdown -h now (by admin)"]);
    const jobLog = readFileSync(path.join(guest.home, "actions-runner/_diag/pages/9.log"), "utf8");
    expect(jobLog).toContain("Homebrew 4.6.17\n");
    expect(jobLog).toContain("Pod installation complete!");
    expect(reported(service)).toEqual([{ result: "Succeeded" }]);
  });

  it("a runner started from a bare exec passes sshd's environment to its job: brew is not found, the job fails", async () => {
    const { guest, client } = await boot();
    service.queueJob(job);
    await exec(
      client,
      detached(
        `cd ~/actions-runner && ACTIONS_RUNNER_INPUT_JITCONFIG=${service.jitConfig()} ./run.sh > ~/runner.log 2>&1; sudo shutdown -h now`,
      ),
    );
    const { powerOffs } = guest;
    await waitUntil(() => powerOffs.length > 0, 15_000, "the guest to power off");
    expect(readFileSync(path.join(guest.home, "runner.log"), "utf8")).toContain(
      "Job build completed with result: Failed",
    );
    const jobLog = readFileSync(path.join(guest.home, "actions-runner/_diag/pages/9.log"), "utf8");
    expect(jobLog).toMatch(/brew: command not found\n##\[error\]Process completed with exit code 127\.\n$/);
    expect(reported(service)).toEqual([{ result: "Failed" }]);
  });

  it("config.sh + run.sh over SSH; a power cut mid-job kills the runner without a report", async () => {
    const { guest, client } = await boot();
    const config = await exec(
      client,
      `~/actions-runner/config.sh --unattended --url ${service.url}/octo-org --token ${REGISTRATION_TOKEN} ` +
        `--name ${guest.vmName} --labels vm-large --ephemeral --disableupdate`,
    );
    expect(config).toMatchObject({ code: 0 });
    expect(config.stdout).toContain("√ Settings Saved.");
    service.queueJob({ ...job, durationMs: 30_000 });
    await exec(client, detached("cd ~/actions-runner && ./run.sh > ~/runner.log 2>&1"));
    const home = guest.home;
    await waitUntil(
      () => readFileSync(path.join(home, "runner.log"), "utf8").includes("Running job"),
      10_000,
      "the job",
    );

    await guest.handle.close();
    expect(guestCommandLines(guest.vmName)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(service.conversation().some((line) => line.endsWith("/complete"))).toBe(false);
    expect(readFileSync(path.join(home, "runner.log"), "utf8")).not.toContain("completed with result");
  });
});
