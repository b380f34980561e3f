/**
 * The files of the simulated GitHub Actions runner package, as `actions-runner-osx-arm64-<ver>`
 * unpacks them: `run.sh`, `config.sh` and `bin/Runner.Listener`, each a tiny sh script that runs
 * the compiled runner stand-in with node. Seeded images carry them in `~/actions-runner`, and the
 * fake GitHub packs the same files into the tarball it serves from `runners/downloads`.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RUNNER_VERSION } from "../runner-protocol.js";

export interface RunnerPackageFile {
  /** Relative to the runner directory, e.g. `run.sh`. */
  path: string;
  content: string;
  /** Unix permission bits, e.g. 0o755. */
  mode: number;
}

/** The compiled runner entry point, `<package root>/dist/sim/guest/runner/main.js`, from src or dist alike. */
export function runnerEntryPath(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return path.join(dir, "dist", "sim", "guest", "runner", "main.js");
}

export function runnerPackageFiles(): RunnerPackageFile[] {
  const entry = shellQuote(runnerEntryPath());
  // Each script finds the runner root from its own location, as the real scripts do, so the
  // runner works wherever the package is unpacked and whatever the caller's working directory.
  const script = (name: string, rootFromScript: string, mode: string): string =>
    [
      "#!/bin/sh",
      `# ${name} of the simulated GitHub Actions runner ${RUNNER_VERSION} (tart-executor simulation).`,
      `TART_SIM_RUNNER_ROOT=$(cd "$(dirname "$0")${rootFromScript}" && pwd) || exit 1`,
      "export TART_SIM_RUNNER_ROOT",
      // The real runner brings its own .NET runtime; the stand-in needs node, named by its host
      // path because the guest's PATH has none (node is only in /opt/homebrew/bin on macOS images).
      `exec ${shellQuote(process.execPath)} ${entry} ${mode} "$@"`,
      "",
    ].join("\n");
  return [
    { path: "run.sh", content: script("run.sh", "", "run"), mode: 0o755 },
    { path: "config.sh", content: script("config.sh", "", "config"), mode: 0o755 },
    { path: "bin/Runner.Listener", content: script("Runner.Listener", "/..", "listener"), mode: 0o755 },
  ];
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
