/**
 * Host directories shared into the job's VM (builds, cache, `--volume`): each is a named
 * `tart run --dir=<name>:<host>[:ro]` share, which macOS guests mount automatically under
 * `/Volumes/My Shared Files/<name>`; the guest path GitLab uses is made a symlink to it.
 */
import { shellQuote } from "../guest/shell-quote.js";

export const SHARED_FILES_ROOT = "/Volumes/My Shared Files";

export interface Share {
  readonly name: string;
  readonly hostPath: string;
  readonly guestPath: string;
  readonly readOnly: boolean;
}

/** The `--dir` value for tart. */
export function tartDirArgument(share: Share): string {
  return `${share.name}:${share.hostPath}${share.readOnly ? ":ro" : ""}`;
}

/** One guest command that links every share's guest path to its automount directory. */
export function linkSharesCommand(shares: readonly Share[]): string {
  return shares
    .map((share) => {
      const guest = shellQuote(share.guestPath);
      const target = shellQuote(`${SHARED_FILES_ROOT}/${share.name}`);
      return `sudo mkdir -p "$(dirname ${guest})" && sudo rm -rf ${guest} && sudo ln -sfn ${target} ${guest}`;
    })
    .join(" && ");
}
