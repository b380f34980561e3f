/**
 * The `[runners.custom]` sections of the seed driver's README (gitlab-runner-tart-driver), with
 * only the paths changed: the driver executable, tart, host directories and the guest volume
 * path. One more change the simulation forces: its guests share the host's file system, so
 * config_args also point the guest builds directory into the test's directory (on a Mac the
 * default /Users/<user>/builds is used). Run `npm run build` first.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CustomExecutorConfig } from "../../../src/sim/gitlab/custom-executor-config.js";
import {
  DRIVER_BIN,
  startGitlabSimWorld,
  type GitlabSimWorld,
} from "../../../src/sim/gitlab/gitlab-sim-world.js";
import { IMAGE_WITH_RUNNER, simTartExecutable } from "../../../src/sim/world/sim-world.js";

let world: GitlabSimWorld;
beforeAll(async () => {
  world = await startGitlabSimWorld();
}, 120_000);
afterAll(async () => {
  await world.close();
});

/** The seed's paths → this test's. */
function paths(value: string): string {
  return value
    .replaceAll("/opt/homebrew/bin/gitlab-runner-tart-driver", DRIVER_BIN)
    .replaceAll("/opt/homebrew/bin/tart", simTartExecutable)
    .replaceAll("/Users/gitlab/gitlab-runner", path.join(world.sim.root, "host-gitlab-runner"))
    .replaceAll("/data/models/", `${path.join(world.sim.root, "host-data", "models")}/`)
    .replaceAll("/opt/data/models", path.join(world.sim.root, "guest-opt", "data", "models"));
}

function seed(
  custom: Record<string, string | number | string[]>,
  guestBuilds = world.guestBuildsDir,
): CustomExecutorConfig {
  const converted = Object.fromEntries(
    Object.entries(custom).map(([key, value]) => [
      key,
      Array.isArray(value) ? value.map(paths) : typeof value === "string" ? paths(value) : value,
    ]),
  ) as unknown as CustomExecutorConfig["custom"];
  return {
    custom: {
      ...converted,
      config_args: [...(converted.config_args ?? []), "--builds-dir", guestBuilds],
    },
  };
}

const BASIC = {
  config_exec: "/opt/homebrew/bin/gitlab-runner-tart-driver",
  config_args: ["config", "-x", "/opt/homebrew/bin/tart"],
  config_exec_timeout: 200,
  prepare_exec: "/opt/homebrew/bin/gitlab-runner-tart-driver",
  prepare_args: ["prepare", "-x", "/opt/homebrew/bin/tart"],
  prepare_exec_timeout: 200,
  run_exec: "/opt/homebrew/bin/gitlab-runner-tart-driver",
  run_args: ["run", "-x", "/opt/homebrew/bin/tart"],
  cleanup_exec: "/opt/homebrew/bin/gitlab-runner-tart-driver",
  cleanup_args: ["cleanup", "-x", "/opt/homebrew/bin/tart"],
  cleanup_exec_timeout: 200,
};
const CONCURRENCY = {
  config_exec: "/opt/homebrew/bin/gitlab-runner-tart-driver",
  config_args: ["config"],
  prepare_exec: "/opt/homebrew/bin/gitlab-runner-tart-driver",
  prepare_args: ["prepare", "-x", "/opt/homebrew/bin/tart", "--concurrency", "2", "--auto-resources"],
  run_exec: "/opt/homebrew/bin/gitlab-runner-tart-driver",
  run_args: ["run", "-x", "/opt/homebrew/bin/tart"],
  cleanup_exec: "/opt/homebrew/bin/gitlab-runner-tart-driver",
  cleanup_args: ["cleanup", "-x", "/opt/homebrew/bin/tart"],
};
const HOST_DIRS = {
  ...CONCURRENCY,
  prepare_args: [
    "prepare",
    "-x",
    "/opt/homebrew/bin/tart",
    "--concurrency",
    "2",
    "--auto-resources",
    "--cache-dir",
    "/Users/gitlab/gitlab-runner/cache",
    "--builds-dir",
    "/Users/gitlab/gitlab-runner/builds",
  ],
};
const VOLUMES = {
  config_exec: "/opt/homebrew/bin/gitlab-runner-tart-driver",
  config_args: ["config"],
  prepare_exec: "/opt/homebrew/bin/gitlab-runner-tart-driver",
  prepare_args: [
    "prepare",
    "-x",
    "/opt/homebrew/bin/tart",
    "--concurrency",
    "2",
    "--auto-resources",
    "--volume /data/models/:/opt/data/models:ro",
  ],
};

// The seed's jobs run with its default shell /bin/zsh; the simulated (Linux) guest has only bash.
const job = (id: number) => ({
  id,
  image: IMAGE_WITH_RUNNER,
  projectPath: "acme/app",
  variables: { TART_EXECUTOR_SHELL: "/bin/bash" },
  script: ['echo "This is brought to you by tart" >> artifact.txt', "cat artifact.txt"],
});

describe("the seed driver's config.toml examples", { timeout: 240_000 }, () => {
  it("the basic [runners.custom] section runs a job", async () => {
    const result = await world.runJob(job(401), seed(BASIC));
    expect(result.status, result.log).toBe("success");
    expect(result.log).toContain("This is brought to you by tart");
  });

  it("the concurrency example (--concurrency 2 --auto-resources) runs a job", async () => {
    const result = await world.runJob(job(402), seed(CONCURRENCY));
    expect(result.status, result.log).toBe("success");
  });

  it("the host cache and builds directories example prepares a VM with both shared", async () => {
    mkdirSync(path.join(world.sim.root, "host-gitlab-runner"), { recursive: true });
    // Its own guest builds path: the simulated guest's link to the share lands on the host's disk.
    const result = await world.runJob(
      job(403),
      seed(HOST_DIRS, path.join(world.sim.root, "guest-builds-403")),
    );
    // The simulation has no /Volumes/My Shared Files automount, so only prepare is checked.
    expect(result.calls.find((call) => call.stage === "prepare")?.result.exitCode, result.log).toBe(0);
    expect(world.vmNames()).toEqual([]);
  });

  it("the volume mounts example (one '--volume a:b:ro' argument) prepares a VM with the share", async () => {
    mkdirSync(path.join(world.sim.root, "host-data", "models"), { recursive: true });
    const config = seed(VOLUMES);
    // The example shows only config and prepare; run and cleanup as in the basic example.
    const full = { custom: { ...seed(BASIC).custom, ...config.custom } };
    const result = await world.runJob(job(404), full);
    expect(result.status, result.log).toBe("success");
    const run = result.calls.find((call) => call.stage === "prepare");
    expect(run?.result.exitCode).toBe(0);
  });
});
