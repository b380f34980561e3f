/**
 * `tart clone <source> <new-name>`: pulls a remote source if it is not cached, copies it into
 * `tmp/<UUID>` and moves it into `vms/<new-name>` under the global lock, replacing an existing VM
 * silently. The copy keeps the source's MAC unless some local VM already uses it.
 */
import { fireFault } from "../../faults.js";
import { UINT } from "../cli/command-spec.js";
import type { TartCommand } from "../cli/command-spec.js";
import { TartFailure, TartValidationError, vmDoesNotExist } from "../cli/errors.js";
import { sleep } from "../io/sleep.js";
import { pullImage } from "../registry/pull-image.js";
import { globalLockFile } from "../state/global-lock.js";
import { lock, unlock } from "../state/pid-lock.js";
import { reclaimIfNeeded } from "../storage/auto-prune.js";
import { copyVmFiles } from "../storage/copy-vm-files.js";
import { localMacInUse, moveIntoPlace, openLocal } from "../storage/local-storage.js";
import { ociExists, openOci } from "../storage/oci-storage.js";
import { tryRemoteName } from "../storage/remote-name.js";
import { createStaging } from "../storage/staging-dir.js";
import { regenerateMac } from "../storage/regenerate-mac.js";
import type { VmDirectory } from "../storage/vm-directory.js";
import type { TartContext } from "../context.js";
import { CONCURRENCY_HELP, INSECURE_HELP } from "./pull-command.js";
import { rmSync } from "node:fs";
import path from "node:path";

const GIB = 1024 * 1024 * 1024;

export const cloneCommand: TartCommand = {
  spec: {
    name: "clone",
    abstract: "Clone a VM",
    args: [
      { type: "positional", name: "source-name", help: "source VM name" },
      { type: "positional", name: "new-name", help: "new VM name" },
      { type: "flag", long: "insecure", help: INSECURE_HELP },
      {
        type: "option",
        long: "concurrency",
        valueName: "concurrency",
        help: CONCURRENCY_HELP,
        value: UINT,
        defaultText: "4",
      },
      { type: "flag", long: "deduplicate", help: "", hidden: true },
      {
        type: "option",
        long: "prune-limit",
        valueName: "n",
        help: "limit automatic pruning to n gigabytes",
        value: UINT,
        defaultText: "100",
      },
    ],
  },
  validate: (args) => {
    if (args.positional("new-name").includes("/"))
      throw new TartValidationError("<new-name> should be a local name");
    if (args.number("concurrency") === 0)
      throw new TartValidationError("network concurrency cannot be less than 1");
  },
  run: async (args, ctx) => {
    const sourceName = args.positional("source-name");
    const home = ctx.home();
    const remote = tryRemoteName(sourceName);
    if (remote !== undefined && !ociExists(home, remote)) await pullImage(ctx, remote);
    const source = openSource(ctx, sourceName);
    await cloneInto(ctx, source, args.positional("new-name"));
    const unallocated = source.sizeBytes() - source.allocatedBytes();
    const reclaim = Math.min(unallocated, (args.number("prune-limit") ?? 100) * GIB);
    if (reclaim > 0) reclaimIfNeeded(ctx, reclaim, source);
  },
};

function openSource(ctx: TartContext, name: string): VmDirectory {
  const home = ctx.home();
  const remote = tryRemoteName(name);
  try {
    return remote === undefined ? openLocal(home, name) : openOci(home, remote);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw vmDoesNotExist(name);
    throw error;
  }
}

async function cloneInto(ctx: TartContext, source: VmDirectory, newName: string): Promise<void> {
  const home = ctx.home();
  const staging = createStaging(home, ctx.simDir);
  const onCancel = (): void => rmSync(staging.dir, { recursive: true, force: true });
  ctx.cancel.addEventListener("abort", onCancel, { once: true });
  const globalLock = globalLockFile(ctx.simDir);
  try {
    await lock(globalLock, ctx.simDir, ctx.cancel);
    const sourceConfig = source.config();
    const generateMac = localMacInUse(home, sourceConfig.macAddress) && source.state() !== "suspended";
    await sleep(ctx.config().delays.cloneMs, ctx.cancel);
    if (fireFault(ctx.simDir, ctx.config(), "cloneFail", newName) !== undefined) {
      // Disk full half-way through the copy; the staging directory stays for housekeeping.
      throw new TartFailure(
        `“disk.img” couldn’t be copied to “${path.basename(staging.dir)}” because there isn’t enough space.`,
      );
    }
    copyVmFiles(source, staging.dir);
    if (generateMac) regenerateMac(staging.dir);
    moveIntoPlace(home, newName, staging.dir);
  } finally {
    unlock(globalLock);
    ctx.cancel.removeEventListener("abort", onCancel);
    staging.release();
  }
}
