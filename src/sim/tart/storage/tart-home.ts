/**
 * `$TART_HOME` (default `~/.tart`) and its real layout: `vms/`, `cache/OCIs/`, `tmp/`. Opening it
 * creates missing parents one by one and fails like tart's `Config` when that is impossible.
 */
import { existsSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { TartRuntimeError } from "../cli/errors.js";

export interface TartHome {
  readonly root: string;
  readonly vms: string;
  readonly cache: string;
  readonly ocis: string;
  readonly tmp: string;
}

export function tartHomePath(env: NodeJS.ProcessEnv): string {
  const custom = env["TART_HOME"];
  return custom === undefined ? path.join(os.homedir(), ".tart") : path.resolve(custom);
}

/** Validates TART_HOME and creates `cache/` and `tmp/` (tart's `Config.init`). */
export function openTartHome(env: NodeJS.ProcessEnv): TartHome {
  const root = tartHomePath(env);
  if (env["TART_HOME"] !== undefined) createEachComponent(root);
  const home: TartHome = {
    root,
    vms: path.join(root, "vms"),
    cache: path.join(root, "cache"),
    ocis: path.join(root, "cache", "OCIs"),
    tmp: path.join(root, "tmp"),
  };
  mkdirSync(home.cache, { recursive: true });
  mkdirSync(home.tmp, { recursive: true });
  return home;
}

function createEachComponent(root: string): void {
  const parts = root.split(path.sep).filter((p) => p !== "");
  let current: string = path.sep;
  for (const part of parts) {
    current = path.join(current, part);
    if (existsSync(current)) continue;
    try {
      mkdirSync(current);
    } catch (error) {
      throw new TartRuntimeError(
        `TART_HOME is invalid: ${current} does not exist, yet we can't create it: ${(error as Error).message}`,
      );
    }
  }
}
