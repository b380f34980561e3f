/**
 * A stand-in for GitHub's runner package: run.sh reports what it received (as SHA-256 digests, so
 * the secret itself never lands in the log), sleeps and exits 3; config.sh lists its arguments.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const digest = (expression: string): string => `$(printf %s "${expression}" | sha256sum | cut -c1-64)`;

const RUN_SH = `#!/bin/sh
echo "runner: args=$#"
echo "runner: jitconfig ${digest("$ACTIONS_RUNNER_INPUT_JITCONFIG")}"
echo "runner: token in env: \${TART_EXECUTOR_RUNNER_TOKEN:-none}"
sleep 2
echo "runner: done"
exit 3
`;

const CONFIG_SH = `#!/bin/sh
while [ $# -gt 0 ]; do
  if [ "$1" = --token ]; then echo "config: --token ${digest("$2")}"; shift 2; continue; fi
  echo "config: $1"; shift
done
`;

/** Builds the fake runner tarball (files at the top level, like actions-runner-osx-arm64-*.tar.gz). */
export function buildFakeRunnerTarball(): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "tart-executor-fake-runner-"));
  try {
    const files = join(dir, "files");
    mkdirSync(files);
    for (const [name, text] of [
      ["run.sh", RUN_SH],
      ["config.sh", CONFIG_SH],
    ] as const) {
      writeFileSync(join(files, name), text);
      chmodSync(join(files, name), 0o755);
    }
    return execFileSync("tar", ["-czf", "-", "-C", files, "."]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
