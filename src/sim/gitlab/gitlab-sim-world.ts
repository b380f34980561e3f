/**
 * A simulated Mac for the GitLab driver: the simulated tart world (src/sim/world/sim-world.ts)
 * plus the runner's environment and a config.toml `[runners.custom]` section that points at the
 * built driver. The simulated guests share the host's file system, so guest paths (the builds
 * directory) are chosen inside the world's root.
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import {
  packageRootDir,
  simTartExecutable,
  startSimWorld,
  type SimWorld,
  type SimWorldOptions,
} from "../world/sim-world.js";
import type { CustomExecutorConfig } from "./custom-executor-config.js";
import { runCustomExecutorJob, type SimGitlabJob, type SimGitlabJobResult } from "./run-custom-job.js";

export const DRIVER_BIN = path.join(packageRootDir, "bin", "gitlab-runner-tart-driver.js");

export interface GitlabSimWorld {
  readonly sim: SimWorld;
  /** The gitlab-runner process environment (inherited by every driver call). */
  readonly runnerEnv: Record<string, string>;
  /** Guest-side builds directory (inside the world's root). */
  readonly guestBuildsDir: string;
  /** The driver's state directory (slot files, per-job directories). */
  readonly stateDir: string;
  /** `[runners.custom]` for the driver with extra prepare/run arguments. */
  customConfig(extra?: {
    prepare?: readonly string[];
    run?: readonly string[];
    cleanup?: readonly string[];
  }): CustomExecutorConfig;
  runJob(job: SimGitlabJob, config?: CustomExecutorConfig): Promise<SimGitlabJobResult>;
  /** Names of VMs in the simulated tart's vms/ directory. */
  vmNames(): string[];
  close(): Promise<void>;
}

export async function startGitlabSimWorld(options: SimWorldOptions = {}): Promise<GitlabSimWorld> {
  const sim = await startSimWorld(options);
  const guestBuildsDir = path.join(sim.root, "guest-builds");
  const stateDir = path.join(sim.root, "driver-state");
  mkdirSync(guestBuildsDir, { recursive: true });
  const runnerEnv: Record<string, string> = {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: sim.root,
    TART_HOME: sim.tartHome,
    TART_GITLAB_SSH_PORT: String(sim.sshPort),
    TART_GITLAB_STATE_DIR: stateDir,
  };
  const customConfig: GitlabSimWorld["customConfig"] = (extra = {}) => ({
    custom: {
      config_exec: DRIVER_BIN,
      config_args: ["config", "-x", simTartExecutable, "--builds-dir", guestBuildsDir],
      prepare_exec: DRIVER_BIN,
      prepare_args: ["prepare", "-x", simTartExecutable, ...(extra.prepare ?? [])],
      run_exec: DRIVER_BIN,
      run_args: ["run", "-x", simTartExecutable, "--shell", "/bin/bash", ...(extra.run ?? [])],
      cleanup_exec: DRIVER_BIN,
      cleanup_args: ["cleanup", "-x", simTartExecutable, ...(extra.cleanup ?? [])],
    },
  });
  return {
    sim,
    runnerEnv,
    guestBuildsDir,
    stateDir,
    customConfig,
    runJob: (job, config) => runCustomExecutorJob(config ?? customConfig(), job, { env: runnerEnv }),
    vmNames: () => {
      const dir = path.join(sim.tartHome, "vms");
      return existsSync(dir) ? readdirSync(dir) : [];
    },
    close: () => sim.close(),
  };
}
