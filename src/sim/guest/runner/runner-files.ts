/**
 * The runner's local configuration in its root directory: `.runner` (RunnerSettings) and
 * `.credentials` (RunnerCredentials), plus `.credentials_rsaparams` when a JIT config brings it.
 * Written by config.sh or by `run.sh --jitconfig`, deleted after an ephemeral runner's job.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { RunnerCredentials, RunnerSettings } from "../../runner-protocol.js";
import { decodeJitConfig } from "../../runner-protocol.js";

export interface RunnerConfig {
  readonly settings: RunnerSettings;
  readonly credentials: RunnerCredentials;
}

const SETTINGS = ".runner";
const CREDENTIALS = ".credentials";
const RSA_PARAMS = ".credentials_rsaparams";

export function isConfigured(root: string): boolean {
  return existsSync(path.join(root, SETTINGS));
}

/** The saved configuration, or undefined when the runner has not been configured. */
export function readRunnerConfig(root: string): RunnerConfig | undefined {
  if (!isConfigured(root) || !existsSync(path.join(root, CREDENTIALS))) return undefined;
  return {
    settings: JSON.parse(readFileSync(path.join(root, SETTINGS), "utf8")) as RunnerSettings,
    credentials: JSON.parse(readFileSync(path.join(root, CREDENTIALS), "utf8")) as RunnerCredentials,
  };
}

export function writeRunnerConfig(root: string, config: RunnerConfig): void {
  writeFileSync(path.join(root, SETTINGS), `${JSON.stringify(config.settings, null, 2)}\n`, { mode: 0o644 });
  writeFileSync(path.join(root, CREDENTIALS), `${JSON.stringify(config.credentials, null, 2)}\n`, {
    mode: 0o600,
  });
}

/** Writes every file a JIT config carries, as `run.sh --jitconfig` does, and returns the decoded config. */
export function writeJitConfig(root: string, encoded: string): RunnerConfig {
  const { runner, credentials } = decodeJitConfig(encoded);
  const files = JSON.parse(Buffer.from(encoded, "base64").toString("utf8")) as Record<string, string>;
  for (const [name, content] of Object.entries(files)) {
    if (name.includes("/") || !name.startsWith("."))
      throw new Error(`jitconfig contains an unexpected file '${name}'`);
    writeFileSync(path.join(root, name), Buffer.from(content, "base64"), { mode: 0o600 });
  }
  return { settings: runner, credentials };
}

/** Deletes the local configuration; returns the names it removed, for the √ lines. */
export function removeRunnerConfig(root: string): string[] {
  const removed: string[] = [];
  for (const name of [CREDENTIALS, RSA_PARAMS, SETTINGS]) {
    const file = path.join(root, name);
    if (!existsSync(file)) continue;
    rmSync(file, { force: true });
    removed.push(name);
  }
  return removed;
}
