/**
 * Names of the driver's VMs carry ownership and age: `gitlab-<host>-<jobId>-<created>`, where
 * `<host>` is this Mac's host id (as the executor daemon's names, src/executor/vm-name.ts) and
 * `<created>` the creation time in base-36 seconds. A VM left by a crashed driver is found by
 * name alone (the next prepare/cleanup, and the executor daemon's sweep on the same Mac). The
 * names never match the daemon's own `tart-executor-<host>-<8 chars>`.
 */
import { hostId } from "../shared/vm-name.js";

export const GITLAB_VM_PREFIX = "gitlab-";

/** How old a GitLab VM may get before any sweep deletes it (GitLab's longest usual job timeout is far below). */
export const GITLAB_VM_MAX_AGE_MS = 24 * 60 * 60 * 1000;

const JOB_ID = /^[0-9]{1,20}$/;

export function isValidJobId(jobId: string): boolean {
  return JOB_ID.test(jobId);
}

/** The VM name for job `jobId` created now on `hostname`. */
export function gitlabVmName(hostname: string, jobId: string, nowMs: number): string {
  if (!isValidJobId(jobId)) throw new Error(`job id ${JSON.stringify(jobId)} is not a number`);
  return `${gitlabJobPrefix(hostname, jobId)}${Math.floor(nowMs / 1000).toString(36)}`;
}

/** The prefix every VM of job `jobId` on `hostname` starts with. */
export function gitlabJobPrefix(hostname: string, jobId: string): string {
  return `${GITLAB_VM_PREFIX}${hostId(hostname)}-${jobId}-`;
}

export interface GitlabVmNameParts {
  readonly host: string;
  readonly jobId: string;
  readonly createdMs: number;
}

export function parseGitlabVmName(name: string): GitlabVmNameParts | null {
  const match = /^gitlab-([a-z0-9-]+)-([0-9]{1,20})-([0-9a-z]{1,10})$/.exec(name);
  if (match === null) return null;
  const createdMs = parseInt(match[3] ?? "", 36) * 1000;
  if (!Number.isFinite(createdMs)) return null;
  return { host: match[1] ?? "", jobId: match[2] ?? "", createdMs };
}

/** Whether `name` is a GitLab driver VM of `hostname`. */
export function isOwnGitlabVmName(name: string, hostname: string): boolean {
  return parseGitlabVmName(name)?.host === hostId(hostname);
}

/**
 * Whether `name` is a GitLab driver VM of `hostname` older than `maxAgeMs`: left by a driver that
 * crashed (or a GitLab Runner that never ran cleanup). Exported for the executor daemon's sweep.
 */
export function isStaleGitlabVmName(
  name: string,
  hostname: string,
  nowMs: number,
  maxAgeMs: number = GITLAB_VM_MAX_AGE_MS,
): boolean {
  const parts = parseGitlabVmName(name);
  return parts !== null && parts.host === hostId(hostname) && nowMs - parts.createdMs > maxAgeMs;
}
