/**
 * What building the VZ configuration checks, in tart's order: the network (softnet binary,
 * bridged interface names), additional disks, directory shares, the root disk options. The
 * simulated host is an M3 Mac on macOS 15 with interfaces en0 (Ethernet) and en1 (Wi-Fi).
 */
import { accessSync, constants, existsSync } from "node:fs";
import path from "node:path";
import { TartFailure, TartRuntimeError, TartValidationError } from "../cli/errors.js";
import { swiftArray, swiftCase } from "../io/swift-describe.js";
import type { NetworkMode } from "../state/run-record.js";
import { tryRemoteName } from "../storage/remote-name.js";
import type { VmConfig } from "../storage/vm-config.js";
import type { RunOptions } from "./run-options.js";

const BRIDGES: readonly (readonly [string, string])[] = [
  ["en0", "Ethernet"],
  ["en1", "Wi-Fi"],
];

export function checkDevices(options: RunOptions, config: VmConfig, env: NodeJS.ProcessEnv): NetworkMode {
  const network = networkMode(options, env);
  for (const disk of options.disks) checkDisk(disk);
  checkDirectoryShares(options.dirs);
  checkDiskOptions(options.rootDiskOpts);
  if (options.nested && config.os === "darwin") {
    throw new TartRuntimeError("macOS virtual machines do not support nested virtualization");
  }
  return network;
}

function networkMode(options: RunOptions, env: NodeJS.ProcessEnv): NetworkMode {
  if (options.softnet || options.netHost) {
    if (!onPath("softnet", env)) {
      throw new TartFailure(swiftCase("InitializationFailed", [["why", "softnet not found in PATH"]]));
    }
    return options.softnet ? "softnet" : "host";
  }
  if (options.bridged.length === 0) return "shared";
  for (const wanted of options.bridged) {
    if (!BRIDGES.some(([id, label]) => id === wanted || label === wanted)) {
      const available = BRIDGES.map(([id, label]) => `${id} (or "${label}")`);
      throw new TartValidationError(
        `no bridge interfaces matched "${swiftArray(options.bridged)}", available interfaces: ${swiftArray(available)}`,
      );
    }
  }
  return "bridged";
}

function onPath(binary: string, env: NodeJS.ProcessEnv): boolean {
  return (env["PATH"] ?? "").split(":").some((dir) => {
    try {
      accessSync(path.join(dir === "" ? "." : dir, binary), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** `--disk path[:ro,sync=…,caching=…]`: option values are checked, local image files must exist. */
function checkDisk(spec: string): void {
  const parts = spec.split(":");
  const last = parts.at(-1) ?? "";
  const hasOptions = last
    .split(",")
    .some((o) => o === "ro" || o.startsWith("sync=") || o.startsWith("caching="));
  if (hasOptions) {
    parts.pop();
    checkDiskOptions(last);
  }
  const diskPath = parts.join(":");
  if (/^nbds?(\+unix)?:\/\//.test(diskPath) || tryRemoteName(diskPath) !== undefined) return;
  const expanded = diskPath.startsWith("~/")
    ? path.join(process.env["HOME"] ?? "", diskPath.slice(2))
    : diskPath;
  if (!existsSync(expanded)) {
    throw new TartFailure(
      `The file “${path.basename(expanded)}” couldn’t be opened because there is no such file.`,
    );
  }
}

function checkDiskOptions(options: string): void {
  for (const option of options.split(",")) {
    if (option.startsWith("sync=") && !["none", "fsync", "full", ""].includes(option.slice(5))) {
      throw new TartRuntimeError(`unsupported disk image synchronization mode: "${option.slice(5)}"`);
    }
    if (option.startsWith("caching=") && !["automatic", "cached", "uncached", ""].includes(option.slice(8))) {
      throw new TartRuntimeError(`unsupported disk image caching mode: "${option.slice(8)}"`);
    }
  }
}

/** Several shares under one mount tag must all be named. */
function checkDirectoryShares(dirs: readonly string[]): void {
  const byTag = new Map<string, boolean[]>();
  for (const dir of dirs) {
    const parts = dir.split(":");
    const options = (parts.at(-1) ?? "").split(",");
    const found = options.some((o) => o === "ro" || o.startsWith("tag="));
    const tag = options.find((o) => o.startsWith("tag="))?.slice(4) ?? "com.apple.virtio-fs.automount";
    const rest = found ? parts.slice(0, -1).join(":") : dir;
    const named = !/^https?:/.test(rest) && rest.split(":").length >= 2;
    byTag.set(tag, [...(byTag.get(tag) ?? []), named]);
  }
  for (const named of byTag.values()) {
    if (named.length > 1 && named.some((n) => !n)) {
      throw new TartValidationError(
        "invalid --dir syntax: for multiple directory shares each one of them should be named",
      );
    }
  }
}
