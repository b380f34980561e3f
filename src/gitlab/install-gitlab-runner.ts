/**
 * The guest command that makes `gitlab-runner` available (seed driver, "GitLab Runner
 * Installation"): keep an installed one unless forced; otherwise download the darwin binary with
 * curl, else wget, into /usr/local/bin, else `brew install gitlab-runner`; fail when none exists.
 */
import { shellQuote } from "../guest/shell-quote.js";

export const DEFAULT_RUNNER_DOWNLOAD_BASE = "https://gitlab-runner-downloads.s3.amazonaws.com";

export interface InstallOptions {
  readonly force: boolean;
  /** `latest` or a version such as `15.11.0`. */
  readonly version: string;
  /** Where binaries come from (GitLab's download bucket, or an operator's mirror). */
  readonly downloadBase: string;
}

export function checkRunnerVersion(version: string): boolean {
  return version === "latest" || /^v?[0-9]+\.[0-9]+\.[0-9]+$/.test(version);
}

export function installGitlabRunnerCommand(options: InstallOptions): string {
  const folder = options.version === "latest" ? "latest" : `v${options.version.replace(/^v/, "")}`;
  const url = shellQuote(
    `${options.downloadBase.replace(/\/+$/, "")}/${folder}/binaries/gitlab-runner-darwin-arm64`,
  );
  const target = "/usr/local/bin/gitlab-runner";
  return [
    options.force
      ? ""
      : `if command -v gitlab-runner >/dev/null 2>&1; then gitlab-runner --version; exit 0; fi`,
    `sudo mkdir -p /usr/local/bin`,
    `if command -v curl >/dev/null 2>&1; then sudo curl -fsSL -o ${target} ${url} || exit 1`,
    `elif command -v wget >/dev/null 2>&1; then sudo wget -q -O ${target} ${url} || exit 1`,
    `elif command -v brew >/dev/null 2>&1; then brew install gitlab-runner || exit 1; exit 0`,
    `else echo "cannot install gitlab-runner: the guest has none of curl, wget or brew" >&2; exit 1; fi`,
    `sudo chmod +x ${target} && ${target} --version`,
  ]
    .filter((line) => line !== "")
    .join("\n");
}
