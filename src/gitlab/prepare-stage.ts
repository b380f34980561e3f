/**
 * `prepare`: checks the job's image, waits for one of the host's VM slots, pulls per policy,
 * clones `gitlab-<host>-<job>-<time>`, sets its resources and display, boots it with the shared
 * directories, waits for the guest, links the shares and installs gitlab-runner when asked. Any
 * failure deletes the VM and frees the slot; a VM that does not come up is a system failure, so
 * GitLab Runner retries prepare.
 */
import { mkdirSync, rmSync } from "node:fs";
import type { Tart } from "../tart/tart.js";
import { TartError } from "../tart/tart-error.js";
import path from "node:path";
import { DriverFailure } from "./driver-failure.js";
import {
  say,
  tartAccess,
  jobDirectory,
  stateDirectory,
  guestSshPort,
  type DriverContext,
} from "./driver-context.js";
import { gitlabVmName } from "./gitlab-vm-name.js";
import { checkJobImage, compileExcludeExpressions } from "./image-check.js";
import { loginForImage, readJobVariables } from "./job-variables.js";
import { parseVolumeSpec, VolumeSyntaxError } from "./volume-spec.js";
import { vmResources } from "./host-resources.js";
import { pullPerPolicy, registryEnv } from "./pull-image.js";
import { VmSlots, isProcessAlive } from "./vm-slots.js";
import { recordJobVm } from "./job-vm.js";
import { sweepStaleGitlabVms } from "./sweep-gitlab-vms.js";
import { bootJobVm } from "./boot-job-vm.js";
import { tartSetDisplay } from "./tart-extras.js";
import type { Share } from "./guest-shares.js";
import { checkRunnerVersion, DEFAULT_RUNNER_DOWNLOAD_BASE } from "./install-gitlab-runner.js";
import { deleteJobVm } from "./delete-job-vm.js";

export interface PrepareOptions {
  readonly tartExecutable: string;
  readonly cpu?: number;
  readonly memory?: number;
  readonly display?: string;
  readonly autoResources: boolean;
  readonly concurrency: number;
  readonly cacheDir?: string;
  readonly buildsDir?: string;
  /** Seconds for the guest to accept SSH. */
  readonly timeout: number;
  readonly volumes: readonly string[];
  readonly installGitlabRunner: boolean;
  readonly forceInstallGitlabRunner: boolean;
  readonly gitlabRunnerVersion: string;
  readonly excludeImageExpr: readonly string[];
}

export async function prepareStage(context: DriverContext, options: PrepareOptions): Promise<void> {
  // Operator configuration first (a wrong config.toml is the runner's fault: system failure).
  const shares = sharesFor(context, options);
  const exclude = compileExcludeExpressions(options.excludeImageExpr);
  if (!checkRunnerVersion(options.gitlabRunnerVersion))
    throw new DriverFailure(
      "system",
      `--gitlab-runner-version ${JSON.stringify(options.gitlabRunnerVersion)} is not latest or x.y.z`,
    );
  if (options.display !== undefined && !/^[0-9]{2,5}x[0-9]{2,5}$/.test(options.display))
    throw new DriverFailure("system", `--display ${JSON.stringify(options.display)} is not <width>x<height>`);
  // Then the job's own choices (the user's fault: build failure).
  const job = readJobVariables(context.env);
  const image = checkJobImage(job.image, exclude);
  const access = tartAccess(context, options.tartExecutable);
  const { tart } = access;
  const stateDir = stateDirectory(context.env);
  const jobDir = jobDirectory(context.env, job.jobId);
  await sweepStaleGitlabVms(tart, context.hostname, context.clock.now(), (vm) =>
    say(context, `Deleted ${vm}, left behind by an earlier job`),
  ).catch(() => undefined);

  const vm = gitlabVmName(context.hostname, job.jobId, context.clock.now());
  const slots = new VmSlots(stateDir, {
    clock: context.clock,
    listVms: async () =>
      (await tart.listLocal()).map((entry) => ({ name: entry.name, running: entry.state === "running" })),
    isProcessAlive,
    pid: context.pid,
  });
  await slots.acquire(vm, {
    pollMs: 1_000,
    signal: context.signal,
    onWait: (busy) => say(context, `Waiting for a free VM slot on this Mac (${busy} VMs running)...`),
  });
  try {
    mkdirSync(jobDir, { recursive: true });
    recordJobVm(jobDir, vm);
    const pullEnv = registryEnv(loginForImage(image.value, job.registryLogins));
    await pullPerPolicy(tart, image, job.pullPolicy, {
      env: pullEnv,
      signal: context.signal,
      say: (line) => say(context, line),
    });
    say(context, `Cloning ${image.value} into ${vm}...`);
    await tart.clone(image.value, vm, {
      insecure: false,
      env: pullEnv,
      signal: context.signal,
      timeoutMs: 3_600_000,
    });
    const resources = vmResources(
      {
        autoResources: options.autoResources,
        concurrency: options.concurrency,
        ...(options.cpu === undefined ? {} : { cpu: options.cpu }),
        ...(options.memory === undefined ? {} : { memory: options.memory }),
      },
      context.host,
    );
    await setResources(context, tart, vm, resources, options);
    const display = job.display ?? options.display;
    if (display !== undefined) await tartSetDisplay(access, vm, display);
    for (const share of shares) mkdirSync(share.hostPath, { recursive: true });
    await bootJobVm(context, access, {
      vm,
      job,
      shares,
      logFile: path.join(jobDir, "tart-run.log"),
      sshPort: guestSshPort(context.env),
      connectTimeoutSeconds: options.timeout,
      install:
        options.installGitlabRunner || options.forceInstallGitlabRunner || job.installGitlabRunner
          ? {
              force: options.forceInstallGitlabRunner,
              version: options.gitlabRunnerVersion,
              downloadBase: context.env["TART_GITLAB_RUNNER_DOWNLOAD_URL"] ?? DEFAULT_RUNNER_DOWNLOAD_BASE,
            }
          : undefined,
    });
    say(context, `VM ${vm} is ready`);
  } catch (error) {
    await deleteJobVm(tart, vm).catch(() => undefined);
    slots.release(vm);
    rmSync(jobDir, { recursive: true, force: true });
    if (error instanceof DriverFailure) throw error;
    const reason = context.signal.aborted
      ? "prepare was cancelled"
      : error instanceof Error
        ? error.message
        : String(error);
    throw new DriverFailure("system", `the VM ${vm} did not come up: ${reason}; it was deleted`, {
      cause: error,
    });
  }
}

/**
 * Explicit --cpu/--memory must apply; an automatic share below the image's minimum (tart refuses
 * it) keeps the image's own settings, with a note in the job log.
 */
async function setResources(
  context: DriverContext,
  tart: Tart,
  vm: string,
  resources: { cpu: number | null; memoryMiB: number | null },
  options: PrepareOptions,
): Promise<void> {
  const cpu = options.cpu ?? resources.cpu;
  const memoryMiB = options.memory ?? resources.memoryMiB;
  try {
    await tart.set(vm, { cpu, memoryMiB }, { signal: context.signal });
  } catch (error) {
    const belowMinimum = error instanceof TartError && /LessThanMinimalResources/.test(error.firstLine);
    if (!belowMinimum || (options.cpu !== undefined && options.memory !== undefined)) throw error;
    say(
      context,
      `The automatic share of this Mac (${resources.cpu} CPUs, ${resources.memoryMiB} MiB) is below the image's minimum: ${error.firstLine}`,
    );
    if (options.cpu !== undefined || options.memory !== undefined)
      await tart.set(
        vm,
        { cpu: options.cpu ?? null, memoryMiB: options.memory ?? null },
        { signal: context.signal },
      );
  }
}

function sharesFor(context: DriverContext, options: PrepareOptions): Share[] {
  const user = context.env["CUSTOM_ENV_TART_SSH_USERNAME"] || "admin";
  const home = `/Users/${user}`;
  const shares: Share[] = [];
  if (options.buildsDir !== undefined)
    shares.push({
      name: "builds",
      hostPath: absolute(options.buildsDir, "--builds-dir"),
      guestPath: context.env["CUSTOM_ENV_CI_BUILDS_DIR"] || `${home}/builds`,
      readOnly: false,
    });
  if (options.cacheDir !== undefined)
    shares.push({
      name: "cache",
      hostPath: absolute(options.cacheDir, "--cache-dir"),
      guestPath: `${home}/cache`,
      readOnly: false,
    });
  options.volumes.forEach((spec, index) => {
    try {
      const volume = parseVolumeSpec(spec);
      shares.push({ name: `volume${index + 1}`, ...volume });
    } catch (error) {
      if (error instanceof VolumeSyntaxError) throw new DriverFailure("system", error.message);
      throw error;
    }
  });
  return shares;
}

function absolute(value: string, what: string): string {
  if (!value.startsWith("/") || /[,:\n\r\0]/.test(value))
    throw new DriverFailure(
      "system",
      `${what} ${JSON.stringify(value)} must be an absolute path without ':' or ','`,
    );
  return value;
}
