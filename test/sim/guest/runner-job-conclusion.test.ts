/**
 * The runner passes its environment to the job's steps, so where it was started decides the job's
 * fate at GitHub: started from a bare SSH exec (sshd's PATH, no LANG) the iOS-like step fails with
 * "brew: command not found" (127) and the fake GitHub records conclusion `failure`; started from a
 * login zsh (the templates' ~/.zprofile) the same job concludes `success`.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateAppKeys } from "../github/helpers/app-keys.js";
import type { Fixture } from "../github/helpers/fixture.js";
import { ORG, startFixture } from "../github/helpers/fixture.js";
import { call } from "../github/helpers/http.js";
import type { TestGuest } from "./helpers/boot-test-guest.js";
import { bootTestGuest, PASSWORD, USERNAME } from "./helpers/boot-test-guest.js";
import { ensureRunnerBuilt } from "./helpers/ensure-runner-built.js";
import type { SshClient } from "./helpers/ssh-session.js";
import { connectSsh, exec } from "./helpers/ssh-session.js";
import { waitUntil } from "./helpers/temp-dir.js";

const keys = generateAppKeys();

describe("the runner's environment decides the job's conclusion at the fake GitHub", () => {
  let f: Fixture | undefined;
  let guest: TestGuest | undefined;
  let client: SshClient | undefined;
  beforeAll(() => ensureRunnerBuilt(), 200_000);
  afterEach(async () => {
    client?.end();
    client = undefined;
    await guest?.dispose();
    guest = undefined;
    await f?.gh.close();
    f = undefined;
  });

  async function runOneJob(
    start: (jit: string) => string,
  ): Promise<{ conclusion: string | null; jobLog: string }> {
    f = await startFixture(keys);
    const auth = await f.installationAuth();
    const jit = await call("POST", `${f.gh.apiUrl}/orgs/${ORG}/actions/runners/generate-jitconfig`, {
      auth,
      body: { name: "vm-1", runner_group_id: 1, labels: ["tart"] },
    });
    expect(jit.status).toBe(201);
    guest = await bootTestGuest();
    client = await connectSsh(guest.ip, guest.port, USERNAME, PASSWORD);
    const started = await exec(
      client,
      start((jit.body as { encoded_jit_config: string }).encoded_jit_config),
    );
    expect(started.code).toBe(0);
    const job = f.gh.dispatcher.enqueueJob({ repo: `${ORG}/app`, labels: ["tart"], durationMs: 100 });
    const gh = f.gh;
    await waitUntil(
      () => gh.jobs().find((j) => j.id === job.id)?.status === "completed",
      30_000,
      "the job to complete",
    );
    const jobLog = readFileSync(path.join(guest.home, "actions-runner/_diag/pages", `${job.id}.log`), "utf8");
    return { conclusion: gh.jobs().find((j) => j.id === job.id)?.conclusion ?? null, jobLog };
  }

  const detached = (script: string): string =>
    `nohup sh -c '${script.replaceAll("'", `'\\''`)}' > runner.log 2>&1 < /dev/null &`;

  it("started from a bare exec: the step cannot find brew (127), conclusion failure", async () => {
    const { conclusion, jobLog } = await runOneJob((jit) =>
      detached(`cd ~/actions-runner && ACTIONS_RUNNER_INPUT_JITCONFIG=${jit} exec ./run.sh`),
    );
    expect(conclusion).toBe("failure");
    expect(jobLog).toContain("brew: command not found");
    expect(jobLog).toContain("##[error]Process completed with exit code 127.");
  });

  it("started with LANG but without Homebrew's PATH: still failure", async () => {
    const { conclusion } = await runOneJob((jit) =>
      detached(`cd ~/actions-runner && LANG=en_US.UTF-8 ACTIONS_RUNNER_INPUT_JITCONFIG=${jit} exec ./run.sh`),
    );
    expect(conclusion).toBe("failure");
  });

  it("with Homebrew's PATH but no UTF-8 locale: pod install fails, conclusion failure", async () => {
    const { conclusion, jobLog } = await runOneJob((jit) =>
      detached(
        `cd ~/actions-runner && eval "$($TART_SIM_ROOT/opt/homebrew/bin/brew shellenv)" && ACTIONS_RUNNER_INPUT_JITCONFIG=${jit} exec ./run.sh`,
      ),
    );
    expect(conclusion).toBe("failure");
    expect(jobLog).toContain("Unicode Normalization not appropriate for ASCII-8BIT");
    expect(jobLog).toContain("##[error]Process completed with exit code 1.");
  });

  it("started from a login zsh: brew, node and pod install pass, conclusion success", async () => {
    const { conclusion, jobLog } = await runOneJob((jit) =>
      detached(`zsh -l -c 'cd ~/actions-runner && ACTIONS_RUNNER_INPUT_JITCONFIG=${jit} exec ./run.sh'`),
    );
    expect(conclusion).toBe("success");
    expect(jobLog).toContain("Pod installation complete!");
  });
});
