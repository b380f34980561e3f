/**
 * The GitLab driver end to end: the GitLab Runner stand-in (src/sim/gitlab/) drives the built
 * driver (bin/gitlab-runner-tart-driver.js) against the simulated tart and its SSH guests.
 * Run `npm run build` first.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitlabSimWorld, type GitlabSimWorld } from "../../../src/sim/gitlab/gitlab-sim-world.js";
import type { SimGitlabJob } from "../../../src/sim/gitlab/run-custom-job.js";
import {
  IMAGE_WITH_RUNNER,
  IMAGE_WITHOUT_RUNNER,
  simTartExecutable,
} from "../../../src/sim/world/sim-world.js";

const PRIVATE_IMAGE = "registry.acme.test/tart/xcode:16";
let world: GitlabSimWorld;

function privateImage(username: string, password: string) {
  const base = {
    os: "darwin",
    cpu: 4,
    memoryMiB: 8192,
    diskGB: 50,
    compressedGB: 1,
    username: "admin",
    password: "admin",
    hasHomebrew: true,
    hasAgent: true,
  } as const;
  return { ...base, hasRunner: false, auth: { username, password } };
}

beforeAll(async () => {
  world = await startGitlabSimWorld({
    sim: { images: { [PRIVATE_IMAGE]: privateImage("deploy", "registry-Secret-42") } },
  });
}, 120_000);
afterAll(async () => {
  await world.close();
});

function job(id: number, script: readonly string[], extra: Partial<SimGitlabJob> = {}): SimGitlabJob {
  return { id, image: IMAGE_WITH_RUNNER, projectPath: "acme/app", script, ...extra };
}

interface Invocation {
  readonly argv: readonly string[];
}
function tartCalls(): Invocation[] {
  const file = path.join(world.sim.simDir, "invocations.jsonl");
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Invocation);
}

function leftovers(): string[] {
  const list = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);
  return [
    ...world.vmNames(),
    ...list(path.join(world.stateDir, "slots")),
    ...list(path.join(world.stateDir, "jobs")),
  ];
}

describe("gitlab-runner-tart-driver through the GitLab Runner stand-in", { timeout: 240_000 }, () => {
  it("runs a passing job in its own VM, in GitLab's stage order, streaming the script's output", async () => {
    const result = await world.runJob(
      job(301, ["echo hello from $CI_PROJECT_DIR", "test -f .sim-checkout", "echo to-stderr >&2"]),
    );
    expect(result.status).toBe("success");
    expect(result.calls.map((call) => call.stage)).toEqual([
      "config",
      "prepare",
      "prepare_script",
      "get_sources",
      "step_script",
      "cleanup_file_variables",
      "cleanup",
    ]);
    expect(result.log).toContain(`hello from ${world.guestBuildsDir}/`);
    expect(result.log).toContain("to-stderr");
    const clone = tartCalls().find((call) => call.argv[0] === "clone" && call.argv[1] === IMAGE_WITH_RUNNER);
    expect(clone?.argv[2]).toMatch(/^gitlab-[a-z0-9-]+-301-[0-9a-z]+$/);
    expect(leftovers()).toEqual([]);
  });

  it("a failing script is a build failure carrying the script's exit code, not retried", async () => {
    const result = await world.runJob(
      job(302, ["echo failing", "exit 3"], { afterScript: ["echo after-script-ran"] }),
    );
    expect(result).toMatchObject({
      status: "failed",
      failureReason: "script_failure",
      exitCode: 3,
      prepareAttempts: 1,
    });
    expect(result.log).toContain("after-script-ran");
    expect(result.calls.find((call) => call.stage === "step_script")?.result.exitCode).toBe(1);
    expect(leftovers()).toEqual([]);
  });

  it("a VM that never comes up is deleted and reported as a system failure, which GitLab retries", async () => {
    world.sim.updateSim({ faults: { runCrash: { match: "-303-" } } });
    try {
      const result = await world.runJob(job(303, ["echo never"]));
      expect(result).toMatchObject({
        status: "failed",
        failureReason: "runner_system_failure",
        prepareAttempts: 3,
      });
      expect(result.log).toMatch(/did not come up: tart run exited/);
      expect(
        result.calls.filter((call) => call.stage === "prepare").map((call) => call.result.exitCode),
      ).toEqual([2, 2, 2]);
      expect(result.calls.filter((call) => call.stage === "cleanup")).toHaveLength(3);
    } finally {
      world.sim.updateSim({ faults: {} });
    }
    expect(leftovers()).toEqual([]);
  });

  it("a job timeout ends the run stage with SIGTERM and cleanup still deletes the VM", async () => {
    const config = world.customConfig();
    const result = await world.runJob(job(304, ["echo started", "sleep 120"], { timeoutSeconds: 25 }), {
      ...config,
      custom: { ...config.custom, graceful_kill_timeout: 5, force_kill_timeout: 2 },
    });
    expect(result).toMatchObject({ status: "failed", failureReason: "job_execution_timeout" });
    expect(result.calls.at(-1)?.stage).toBe("cleanup");
    expect(leftovers()).toEqual([]);
  });

  it("pulls private images with the job's TART_REGISTRY* credentials, never on a command line or in the log", async () => {
    const result = await world.runJob(
      job(305, ["echo private ok"], {
        image: PRIVATE_IMAGE,
        variables: {
          TART_REGISTRY: "registry.acme.test",
          TART_REGISTRY_USERNAME: "deploy",
          TART_REGISTRY_PASSWORD: "registry-Secret-42",
          TART_PULL_POLICY: "always",
        },
      }),
    );
    expect(result.status).toBe("success");
    expect(result.log).not.toContain("registry-Secret-42");
    const argvs = tartCalls().map((call) => call.argv.join(" "));
    expect(argvs.some((argv) => argv.startsWith(`pull ${PRIVATE_IMAGE}`))).toBe(true);
    expect(argvs.join("\n")).not.toContain("registry-Secret-42");
    expect(argvs.join("\n")).not.toContain("admin");
  });

  it("logs in to GitLab's own registry with CI_REGISTRY_USER/PASSWORD", async () => {
    world.sim.updateSim({
      images: { "registry.gitlab.test/acme/img:1": privateImage("gitlab-ci-token", "job-token-1") },
    });
    const result = await world.runJob(
      job(306, ["true"], {
        image: "registry.gitlab.test/acme/img:1",
        variables: {
          CI_REGISTRY: "registry.gitlab.test",
          CI_REGISTRY_USER: "gitlab-ci-token",
          CI_REGISTRY_PASSWORD: "job-token-1",
        },
      }),
    );
    expect(result.status).toBe("success");
  });

  it("TART_PULL_POLICY=never refuses an image that is not on the Mac (a build failure, not retried)", async () => {
    const result = await world.runJob(
      job(307, ["true"], { image: IMAGE_WITHOUT_RUNNER, variables: { TART_PULL_POLICY: "never" } }),
    );
    expect(result).toMatchObject({ status: "failed", failureReason: "script_failure", prepareAttempts: 1 });
    expect(result.log).toContain("TART_PULL_POLICY is never");
    expect(tartCalls().some((call) => call.argv[0] === "pull" && call.argv[1] === IMAGE_WITHOUT_RUNNER)).toBe(
      false,
    );
  });

  it("sets --cpu/--memory/--display, shares --builds-dir/--cache-dir/--volume with tart run --dir, and links them in the guest", async () => {
    const host = path.join(world.sim.root, "host");
    const models = path.join(host, "models");
    mkdirSync(models, { recursive: true });
    writeFileSync(path.join(models, "weights.bin"), "w");
    const guestModels = path.join(world.sim.root, "guest-opt", "models");
    const config = world.customConfig({
      prepare: [
        "--cpu",
        "4",
        "--memory",
        "8192",
        "--display",
        "1200x800",
        "--builds-dir",
        path.join(host, "builds"),
        "--cache-dir",
        path.join(host, "cache"),
        `--volume ${models}:${guestModels}:ro`,
      ],
    });
    const result = await world.runJob(
      job(308, ["ls -la $(dirname $CI_BUILDS_DIR)"], { variables: { TART_EXECUTOR_HEADLESS: "true" } }),
      {
        ...config,
        // The simulated guest shares the host's file system: the builds dir the job uses stays guest-local.
        custom: {
          ...config.custom,
          config_args: [
            "config",
            "-x",
            simTartExecutable,
            "--builds-dir",
            path.join(world.sim.root, "guest-b2"),
          ],
        },
      },
    );
    // prepare succeeded; the job itself cannot use the shared builds dir in the simulation, whose
    // guests share the host's file system and have no /Volumes/My Shared Files automount.
    expect(result.calls.find((call) => call.stage === "prepare")?.result.exitCode, result.log).toBe(0);
    const argvs = tartCalls().map((call) => call.argv);
    const set = argvs.find(
      (argv) => argv[0] === "set" && argv.includes("--cpu") && /-308-/.test(argv[1] ?? ""),
    );
    expect(set).toEqual(["set", expect.stringMatching(/-308-/), "--cpu", "4", "--memory", "8192"]);
    expect(
      argvs.some((argv) => argv[0] === "set" && argv.includes("--display") && argv.includes("1200x800")),
    ).toBe(true);
    const run = argvs.find((argv) => argv[0] === "run" && /-308-/.test(argv[1] ?? ""));
    expect(run).toEqual(
      expect.arrayContaining([
        "--no-graphics",
        `--dir=builds:${path.join(host, "builds")}`,
        `--dir=cache:${path.join(host, "cache")}`,
        `--dir=volume1:${models}:ro`,
      ]),
    );
    expect(existsSync(path.join(host, "builds")) && existsSync(path.join(host, "cache"))).toBe(true);
    // The guest path became a link to the automount directory of the share (macOS mounts it there).
    expect(lstatSync(guestModels).isSymbolicLink()).toBe(true);
    expect(readlinkSync(guestModels)).toBe("/Volumes/My Shared Files/volume1");
    expect(leftovers()).toEqual([]);
  });

  it("softnet and VNC job variables reach tart run", async () => {
    const result = await world.runJob(
      job(309, ["true"], {
        variables: {
          TART_EXECUTOR_SOFTNET_ENABLED: "true",
          TART_EXECUTOR_VNC_ENABLED: "true",
          TART_EXECUTOR_HEADLESS: "false",
        },
      }),
    );
    const run = tartCalls().find((call) => call.argv[0] === "run" && /-309-/.test(call.argv[1] ?? ""));
    expect(run?.argv).toEqual(expect.arrayContaining(["--net-softnet", "--vnc"]));
    expect(run?.argv).not.toContain("--no-graphics");
    expect(["success", "failed"]).toContain(result.status);
    expect(leftovers()).toEqual([]);
  });

  it("TART_EXECUTOR_SHELL and --shell choose the guest shell; the default is /bin/zsh", async () => {
    const config = world.customConfig();
    const noShellArg = {
      ...config,
      custom: { ...config.custom, run_args: ["run", "-x", simTartExecutable] },
    };
    const viaVariable = await world.runJob(
      job(310, ["echo shell=$BASH_VERSION"], { variables: { TART_EXECUTOR_SHELL: "/bin/bash" } }),
      noShellArg,
    );
    expect(viaVariable.status).toBe("success");
    expect(viaVariable.log).toMatch(/shell=[0-9]/);
    // The simulated guest has no zsh (a Linux host), so the default shows up as its absence.
    const byDefault = await world.runJob(job(311, ["true"]), noShellArg);
    if (!existsSync("/bin/zsh")) {
      expect(byDefault).toMatchObject({ status: "failed", failureReason: "script_failure" });
      expect(byDefault.log).toMatch(/\/bin\/zsh/);
    }
    expect(leftovers()).toEqual([]);
  });

  it("TART_SSH_USERNAME/PASSWORD are the guest login (a wrong one fails prepare as a system failure)", async () => {
    const result = await world.runJob(
      job(312, ["true"], {
        variables: {
          TART_SSH_USERNAME: "admin",
          TART_SSH_PASSWORD: "wrong-Password-9",
          TART_EXECUTOR_TIMEOUT: "20",
        },
      }),
      world.customConfig({ prepare: ["--timeout", "5"] }),
    );
    expect(result).toMatchObject({ status: "failed", failureReason: "runner_system_failure" });
    expect(result.log).toMatch(/refused our credentials/);
    expect(result.log).not.toContain("wrong-Password-9");
    expect(leftovers()).toEqual([]);
  });

  it("two jobs run at once and a third waits for a VM slot instead of hitting tart's limit", async () => {
    const results = await Promise.all(
      [320, 321, 322].map((id, index) =>
        world.runJob(
          job(id, ["echo job $CI_JOB_ID", "sleep 4"], {
            concurrentId: index,
            variables: { TART_EXECUTOR_SHELL: "/bin/bash" },
          }),
        ),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(["success", "success", "success"]);
    expect(
      results.filter((result) => result.log.includes("Waiting for a free VM slot")).length,
    ).toBeGreaterThanOrEqual(1);
    expect(results.every((result) => result.prepareAttempts === 1)).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it("cleanup sweeps this host's GitLab VMs left by a crashed driver long ago", async () => {
    const { hostname } = await import("node:os");
    const { gitlabVmName } = await import("../../../src/gitlab/gitlab-vm-name.js");
    const old = gitlabVmName(hostname(), "1", Date.now() - 3 * 24 * 3600 * 1000);
    const { execFileSync } = await import("node:child_process");
    execFileSync(simTartExecutable, ["clone", IMAGE_WITH_RUNNER, old], {
      env: { ...process.env, TART_HOME: world.sim.tartHome },
    });
    expect(world.vmNames()).toContain(old);
    const result = await world.runJob(
      job(313, ["true"], { variables: { TART_EXECUTOR_SHELL: "/bin/bash" } }),
    );
    expect(result.status).toBe("success");
    expect(world.vmNames()).not.toContain(old);
  });
});
