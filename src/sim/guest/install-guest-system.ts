/**
 * Puts macOS's system directories on a guest disk (idempotent; run at seed and at every boot):
 * `/bin`, `/usr/bin`, `/usr/sbin` and `/sbin` hold links to the host's copies of the base tools
 * macOS ships there (and nothing else: no node, no brew), plus the stand-ins for `sudo`,
 * `shutdown`, `halt`, `nohup`, `path_helper` and `/bin/zsh`, and the system files zsh reads.
 */
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { GUEST_BIN_SCRIPTS } from "./guest-bin-scripts.js";
import { hostPath } from "./guest-paths.js";
import { GUEST_SHELL_EXECUTABLES, GUEST_SHELL_FILES, zshWrapper } from "./guest-shell-files.js";
import { linkGuestFile, writeExecutable, writeGuestFile } from "./write-guest-file.js";

/** Base tools by macOS directory (a subset of what macOS ships there, enough for scripts). */
const MACOS_TOOLS: Readonly<Record<string, readonly string[]>> = {
  "/bin": [
    ..."bash cat chmod cp date dd df echo expr hostname kill ln ls mkdir mv ps pwd realpath rm rmdir".split(
      " ",
    ),
    ..."sh sleep stty sync test unlink".split(" "),
  ],
  "/usr/bin": [
    ..."awk base64 basename cmp comm curl cut diff dirname du env false find getconf grep groups gzip".split(
      " ",
    ),
    ..."head id iconv join locale logger logname mkfifo mktemp nice od paste pgrep pkill printenv printf".split(
      " ",
    ),
    ..."readlink sed seq sort split stat tail tar tee touch tr true tty uname uniq wc which whoami xargs yes".split(
      " ",
    ),
  ],
  "/usr/sbin": ["chown"],
  "/sbin": [],
};

const HOST_DIRS = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];

/** The host's executable `name` in the usual system directories, or undefined. */
export function findHostTool(name: string): string | undefined {
  for (const dir of HOST_DIRS) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function installGuestSystem(guestRoot: string): void {
  for (const [dir, tools] of Object.entries(MACOS_TOOLS)) {
    for (const tool of tools) {
      const host = findHostTool(tool);
      if (host !== undefined) linkGuestFile(hostPath(guestRoot, `${dir}/${tool}`), host);
    }
  }
  for (const [file, content] of Object.entries({ ...GUEST_BIN_SCRIPTS, ...GUEST_SHELL_EXECUTABLES })) {
    writeExecutable(hostPath(guestRoot, file), content);
  }
  for (const [file, content] of Object.entries(GUEST_SHELL_FILES)) {
    writeGuestFile(hostPath(guestRoot, file), content);
  }
  writeExecutable(hostPath(guestRoot, "/bin/zsh"), zshWrapper(findHostTool("zsh")));
}
