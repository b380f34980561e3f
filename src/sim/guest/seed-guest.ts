/**
 * Seeds a guest disk for a pulled image: macOS's system directories, the login user's home, and
 * what the image adds: Homebrew with the templates' `~/.zprofile`, the Tart Guest Agent's launchd
 * plist, and a freshly unpacked (unconfigured) runner in `~/actions-runner`.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { SeedGuest } from "./guest-contract.js";
import { guestHome, hostPath } from "./guest-paths.js";
import { AGENT_BINARY, AGENT_PLIST, agentPlist } from "./guest-agent-files.js";
import { HOMEBREW_EXECUTABLES, HOMEBREW_NODE, USER_ZPROFILE } from "./homebrew-files.js";
import { installGuestSystem } from "./install-guest-system.js";
import { runnerPackageFiles } from "./runner-package.js";
import { linkGuestFile, writeExecutable, writeGuestFile } from "./write-guest-file.js";

export const seedGuest: SeedGuest = (guestRootDir, image) => {
  const home = guestHome(guestRootDir, image.username);
  mkdirSync(home, { recursive: true });
  installGuestSystem(guestRootDir);
  if (image.hasHomebrew) {
    for (const [file, content] of Object.entries(HOMEBREW_EXECUTABLES)) {
      writeExecutable(hostPath(guestRootDir, file), content);
    }
    linkGuestFile(hostPath(guestRootDir, HOMEBREW_NODE), process.execPath);
    writeGuestFile(path.join(home, ".zprofile"), USER_ZPROFILE);
  }
  if (image.hasAgent) {
    writeExecutable(
      hostPath(guestRootDir, AGENT_BINARY),
      "#!/bin/sh\n# The Tart Guest Agent runs inside the simulated VM process.\nexit 0\n",
    );
    writeGuestFile(hostPath(guestRootDir, AGENT_PLIST), agentPlist(image.username));
  }
  if (!image.hasRunner) return;
  const runnerDir = path.join(home, "actions-runner");
  for (const file of runnerPackageFiles()) {
    writeExecutable(path.join(runnerDir, file.path), file.content, file.mode);
  }
};
