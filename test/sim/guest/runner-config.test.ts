import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apiBaseFromUrl } from "../../../src/sim/guest/runner/api-base.js";
import type { FakeActionsService } from "./helpers/fake-actions-service.js";
import {
  EXPIRED_TOKEN,
  REGISTRATION_TOKEN,
  RUNNER_ID,
  startFakeActionsService,
} from "./helpers/fake-actions-service.js";
import { runRunner, startRunner } from "./helpers/runner-process.js";
import { makeTempDir, waitUntil } from "./helpers/temp-dir.js";

const job = {
  jobId: 9,
  runId: 3,
  name: "build",
  repo: "octo-org/app",
  durationMs: 100,
  result: "Succeeded",
} as const;

describe("apiBaseFromUrl", () => {
  it("derives the REST base from --url as the real runner does", () => {
    expect(apiBaseFromUrl("https://github.com/octo-org", {})).toBe("https://api.github.com");
    expect(apiBaseFromUrl("https://octo.ghe.com/org/repo", {})).toBe("https://api.octo.ghe.com");
    expect(apiBaseFromUrl("https://ghes.example.com/org", {})).toBe("https://ghes.example.com/api/v3");
    expect(apiBaseFromUrl("http://127.0.0.1:8080/org", {})).toBe("http://127.0.0.1:8080/api/v3");
    expect(apiBaseFromUrl("https://github.com/o", { GITHUB_ACTIONS_RUNNER_FORCE_GHES: "1" })).toBe(
      "https://github.com/api/v3",
    );
  });
});

describe("runner stand-in: config.sh", () => {
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

  const configArgs = (token = REGISTRATION_TOKEN): string[] => [
    "--unattended",
    "--url",
    `${service.url}/octo-org`,
    "--token",
    token,
    "--name",
    "vm-1",
    "--labels",
    "vm-large,self-hosted",
    "--runnergroup",
    "",
    "--work",
    "_work",
    "--ephemeral",
    "--replace",
    "--disableupdate",
  ];

  it("registers with the token, saves .runner and .credentials, and run.sh then uses them", async () => {
    const config = await runRunner("config", configArgs(), temp.dir);
    expect(config.code).toBe(0);
    expect(config.stdout).toContain("Self-hosted runner registration");
    expect(config.stdout).toContain(
      "This runner will have the following labels: 'self-hosted', 'macOS', 'ARM64', 'vm-large'",
    );
    expect(config.stdout).toMatch(
      /√ Runner successfully added\n√ Runner connection is good\n[\s\S]*√ Settings Saved\.\n/,
    );
    const [register] = service.requests;
    expect(register).toMatchObject({
      method: "POST",
      path: "/api/v3/actions/runner-registration",
      authorization: `RemoteAuth ${REGISTRATION_TOKEN}`,
      body: {
        url: `${service.url}/octo-org`,
        runner_event: "register",
        name: "vm-1",
        labels: ["self-hosted", "macOS", "ARM64", "vm-large"],
        runnerGroup: null,
        ephemeral: true,
        replace: true,
        disableUpdate: true,
        noDefaultLabels: false,
        workFolder: "_work",
      },
    });
    const settings = JSON.parse(readFileSync(path.join(temp.dir, ".runner"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(settings).toMatchObject({ agentId: RUNNER_ID, agentName: "vm-1", ephemeral: true });
    expect(statSync(path.join(temp.dir, ".credentials")).mode & 0o777).toBe(0o600);

    service.queueJob(job);
    const run = await runRunner("run", [], temp.dir);
    expect(run.stdout).toContain("Job build completed with result: Succeeded");
    expect(existsSync(path.join(temp.dir, ".runner"))).toBe(false); // ephemeral: removed after the job

    const again = await runRunner("config", configArgs(), temp.dir);
    expect(again.code).toBe(0); // unconfigured again, so it may register anew
  });

  it("refuses to configure twice", async () => {
    expect((await runRunner("config", configArgs(), temp.dir)).code).toBe(0);
    const second = await runRunner("config", configArgs(), temp.dir);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain("Cannot configure the runner because it is already configured.");
  });

  it.each([
    ["an unknown token (404)", "WRONGTOKEN", 404],
    ["an expired token (401)", EXPIRED_TOKEN, 401],
  ])("fails with %s", async (_what, token, status) => {
    const result = await runRunner("config", configArgs(token), temp.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `Http response code: ${status} from 'POST ${service.url}/api/v3/actions/runner-registration'`,
    );
    expect(result.stderr).toContain(`Response status code does not indicate success: ${status}`);
    expect(existsSync(path.join(temp.dir, ".runner"))).toBe(false);
  });

  it("fails when the name is taken and --replace is not given (409)", async () => {
    service.takenNames.add("vm-1");
    const result = await runRunner(
      "config",
      configArgs().filter((arg) => arg !== "--replace"),
      temp.dir,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("A runner exists with the same name 'vm-1'.");
  });

  it("validates its arguments like the real config.sh", async () => {
    const unknown = await runRunner("config", [...configArgs(), "--pat", "x"], temp.dir);
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toContain("Unrecognized command-line input arguments: '--pat, x'");
    const noUrl = await runRunner("config", ["--unattended", "--token", "t"], temp.dir);
    expect(noUrl.stderr).toContain(
      "Invalid configuration provided for url. Terminating unattended configuration.",
    );
    const noLabels = await runRunner(
      "config",
      [...configArgs(), "--no-default-labels", "--labels", ""],
      temp.dir,
    );
    expect(noLabels.code).toBe(1);
    const asRoot = await runRunner("config", configArgs(), temp.dir, { USER: "root" });
    expect(asRoot).toMatchObject({ code: 1, stderr: "Must not run with sudo\n" });
    expect(service.requests).toEqual([]);
  });

  it("reads arguments from ACTIONS_RUNNER_INPUT_* and defaults the name to the VM's host name", async () => {
    const result = await runRunner("config", [], temp.dir, {
      ACTIONS_RUNNER_INPUT_URL: `${service.url}/octo-org`,
      ACTIONS_RUNNER_INPUT_TOKEN: REGISTRATION_TOKEN,
      ACTIONS_RUNNER_INPUT_EPHEMERAL: "true",
    });
    expect(result.code).toBe(0);
    expect(service.requests[0]?.body).toMatchObject({ name: "Admins-Virtual-Machine", ephemeral: true });
  });

  it("a persistent runner keeps taking jobs until SIGTERM, then goes offline", async () => {
    const args = configArgs().filter((arg) => arg !== "--ephemeral");
    expect((await runRunner("config", args, temp.dir)).code).toBe(0);
    service.queueJob(job);
    service.queueJob({ ...job, jobId: 10, name: "test" });
    const listener = startRunner("run", [], temp.dir);
    await waitUntil(() => listener.stdout().includes("Job test completed"), 10_000, "two jobs");
    listener.child.kill("SIGTERM");
    const result = await listener.exited;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Exiting...\n");
    expect(service.conversation().at(-1)).toBe(`DELETE /_sim/runners/${RUNNER_ID}/sessions/s-1`);
    expect(existsSync(path.join(temp.dir, ".runner"))).toBe(true); // still configured
  });
});
