/**
 * Seeds a guest disk for a pulled image: the login user's home, the system-command stand-ins,
 * and, when the image has one, a freshly unpacked (unconfigured) runner in `~/actions-runner`.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { SeedGuest } from "./guest-contract.js";
import { guestHome } from "./guest-paths.js";
import { installGuestBin, writeExecutable } from "./install-guest-bin.js";
import { runnerPackageFiles } from "./runner-package.js";

export const seedGuest: SeedGuest = (guestRootDir, image) => {
  const home = guestHome(guestRootDir, image.username);
  mkdirSync(home, { recursive: true });
  installGuestBin(guestRootDir);
  if (!image.hasRunner) return;
  const runnerDir = path.join(home, "actions-runner");
  for (const file of runnerPackageFiles()) {
    const target = path.join(runnerDir, file.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeExecutable(target, file.content, file.mode);
  }
};
