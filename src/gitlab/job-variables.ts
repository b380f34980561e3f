/**
 * The job's own settings, from the `CUSTOM_ENV_<NAME>` variables GitLab Runner gives every stage
 * (docs/gitlab.md): the image, the job id, and the seed driver's `TART_*` variables with its
 * defaults. Secrets stay in this object; nothing here is ever logged or put on a command line.
 */
import { DriverFailure } from "./driver-failure.js";
import { isValidJobId } from "./gitlab-vm-name.js";

export type PullPolicy = "always" | "if-not-present" | "never";

export interface RegistryLogin {
  readonly host: string;
  readonly username: string;
  readonly password: string;
}

export interface JobVariables {
  readonly jobId: string;
  readonly image: string | undefined;
  readonly pullPolicy: PullPolicy;
  readonly sshUsername: string;
  readonly sshPassword: string;
  readonly headless: boolean;
  readonly softnet: boolean;
  readonly vnc: boolean;
  readonly installGitlabRunner: boolean;
  readonly shell: string | undefined;
  /** Seconds for `tart ip` to answer (TART_EXECUTOR_TIMEOUT, default 60). */
  readonly ipTimeoutSeconds: number;
  readonly display: string | undefined;
  /** TART_REGISTRY* first, then GitLab's own registry (CI_REGISTRY*). */
  readonly registryLogins: readonly RegistryLogin[];
}

type Env = Readonly<Record<string, string | undefined>>;

function job(env: Env, name: string): string | undefined {
  const value = env[`CUSTOM_ENV_${name}`];
  return value === undefined || value === "" ? undefined : value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const value = job(env, name)?.trim().toLowerCase();
  if (value === undefined) return fallback;
  if (["1", "true", "yes", "on"].includes(value)) return true;
  if (["0", "false", "no", "off"].includes(value)) return false;
  throw new DriverFailure("build", `${name}=${JSON.stringify(value)} is not a boolean (use true or false)`);
}

export function readJobVariables(env: Env): JobVariables {
  const jobId = job(env, "CI_JOB_ID");
  if (jobId === undefined || !isValidJobId(jobId)) {
    throw new DriverFailure(
      "system",
      "CUSTOM_ENV_CI_JOB_ID is missing or not a number: is this run by GitLab Runner?",
    );
  }
  const pullPolicy = job(env, "TART_PULL_POLICY") ?? "if-not-present";
  if (pullPolicy !== "always" && pullPolicy !== "if-not-present" && pullPolicy !== "never") {
    throw new DriverFailure(
      "build",
      `TART_PULL_POLICY=${JSON.stringify(pullPolicy)} is not one of always, if-not-present, never`,
    );
  }
  const timeout = job(env, "TART_EXECUTOR_TIMEOUT") ?? "60";
  if (!/^[0-9]{1,5}$/.test(timeout) || Number(timeout) < 1) {
    throw new DriverFailure(
      "build",
      `TART_EXECUTOR_TIMEOUT=${JSON.stringify(timeout)} is not a number of seconds`,
    );
  }
  const display = job(env, "TART_EXECUTOR_DISPLAY");
  if (display !== undefined && !/^[0-9]{2,5}x[0-9]{2,5}$/.test(display)) {
    throw new DriverFailure(
      "build",
      `TART_EXECUTOR_DISPLAY=${JSON.stringify(display)} is not <width>x<height>`,
    );
  }
  const shell = job(env, "TART_EXECUTOR_SHELL");
  if (shell !== undefined) checkShellPath(shell, "TART_EXECUTOR_SHELL");
  const logins: RegistryLogin[] = [];
  const addLogin = (
    host: string | undefined,
    username: string | undefined,
    password: string | undefined,
  ): void => {
    if (host !== undefined && username !== undefined && password !== undefined)
      logins.push({ host: registryHost(host), username, password });
  };
  addLogin(job(env, "TART_REGISTRY"), job(env, "TART_REGISTRY_USERNAME"), job(env, "TART_REGISTRY_PASSWORD"));
  addLogin(job(env, "CI_REGISTRY"), job(env, "CI_REGISTRY_USER"), job(env, "CI_REGISTRY_PASSWORD"));
  return {
    jobId,
    image: job(env, "CI_JOB_IMAGE"),
    pullPolicy,
    sshUsername: job(env, "TART_SSH_USERNAME") ?? "admin",
    sshPassword: job(env, "TART_SSH_PASSWORD") ?? "admin",
    headless: flag(env, "TART_EXECUTOR_HEADLESS", true),
    softnet: flag(env, "TART_EXECUTOR_SOFTNET_ENABLED", false),
    vnc: flag(env, "TART_EXECUTOR_VNC_ENABLED", false),
    installGitlabRunner: flag(env, "TART_EXECUTOR_INSTALL_GITLAB_RUNNER", false),
    shell,
    ipTimeoutSeconds: Number(timeout),
    display,
    registryLogins: logins,
  };
}

/** A shell is run as a guest command: an absolute path of plain characters only. */
export function checkShellPath(shell: string, what: string): void {
  if (!/^\/[A-Za-z0-9._/-]+$/.test(shell)) {
    throw new DriverFailure(
      "build",
      `${what}=${JSON.stringify(shell)} must be an absolute path such as /bin/zsh`,
    );
  }
}

/** `https://registry.example.com/` → `registry.example.com`. */
function registryHost(value: string): string {
  return value
    .replace(/^[a-z]+:\/\//i, "")
    .replace(/\/.*$/, "")
    .toLowerCase();
}

/** The login for the registry `image` comes from, if the job has one. */
export function loginForImage(image: string, logins: readonly RegistryLogin[]): RegistryLogin | undefined {
  const slash = image.indexOf("/");
  if (slash === -1) return undefined;
  const host = image.slice(0, slash).toLowerCase();
  return logins.find((login) => login.host === host);
}
