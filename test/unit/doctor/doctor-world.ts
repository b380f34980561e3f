/**
 * A simulated Mac (sim-bin/tart, TART_HOME) plus the fake GitHub, with tart-executor.yaml files
 * written for it, and the doctor run against them on this machine's real filesystem, processes
 * and sockets. Only disk space and the platform are pinned, so results do not depend on the box.
 */
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadExecutorConfigForDoctor } from "../../../src/cli/doctor-command.js";
import { resolveTartExecutable } from "../../../src/cli/resolve-tart-executable.js";
import type { DoctorCheck } from "../../../src/doctor/doctor-check.js";
import type { DoctorDeps } from "../../../src/doctor/doctor-deps.js";
import { doctorTart } from "../../../src/doctor/doctor-tart.js";
import { runExecutorDoctor } from "../../../src/doctor/executor-doctor.js";
import { checkGitHubApp } from "../../../src/doctor/github-app-check.js";
import { nodeDoctorDeps } from "../../../src/doctor/node-doctor-deps.js";
import { startSimWorld, type SimWorld, type SimWorldOptions } from "../../../src/sim/world/sim-world.js";

export const PLENTY_OF_DISK = { bavail: 200e9 / 4096, bsize: 4096 };

export interface DoctorWorld {
  readonly world: SimWorld;
  readonly deps: DoctorDeps;
  /** Writes the executor config with `overrides` and runs the doctor on it. */
  run(overrides?: Record<string, unknown>, deps?: Partial<DoctorDeps>): Promise<DoctorCheck[]>;
  close(): Promise<void>;
}

export async function startDoctorWorld(options: SimWorldOptions = {}): Promise<DoctorWorld> {
  const world = await startSimWorld(options);
  // The daemon's environment: PATH for `node` (sim-bin/tart runs it), HOME inside the world.
  const env = { PATH: process.env["PATH"], HOME: world.root };
  const real = nodeDoctorDeps(env);
  const deps: DoctorDeps = {
    ...real,
    homedir: world.root,
    platform: "linux",
    cpuCount: 8,
    fs: { ...real.fs, statfs: () => PLENTY_OF_DISK },
  };
  return {
    world,
    deps,
    async run(overrides = {}, extra = {}) {
      const file = world.writeExecutorConfig(0, overrides);
      const used = { ...deps, ...extra };
      return runExecutorDoctor({
        ...used,
        config: loadExecutorConfigForDoctor(file, used),
        resolveTart: (configured) => resolveTartExecutable(configured, used.env["PATH"]),
        tartAt: doctorTart,
        checkGitHub: checkGitHubApp,
      });
    },
    close: () => world.close(),
  };
}

export function byName(checks: readonly DoctorCheck[], name: string): DoctorCheck {
  const check = checks.find((candidate) => candidate.name === name);
  if (check === undefined) throw new Error(`no "${name}" check in: ${checks.map((c) => c.name).join(", ")}`);
  return check;
}

/** A throw-away folder with a fake `tart` shell script answering `--version` and `list`. */
export function fakeTart(
  version: string,
  listJson = "[]",
  versionExit = 0,
): { executable: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "fake-tart-"));
  const executable = path.join(dir, "tart");
  writeFileSync(
    executable,
    [
      "#!/bin/sh",
      'case "$1" in',
      `  --version) echo '${version}'; exit ${versionExit} ;;`,
      `  list) echo '${listJson}' ;;`,
      '  *) echo "unexpected: $*" >&2; exit 64 ;;',
      "esac",
      "",
    ].join("\n"),
  );
  chmodSync(executable, 0o755);
  return { executable, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
