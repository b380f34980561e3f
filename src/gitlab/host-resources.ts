/**
 * The CPU and memory a job's VM gets (seed driver, "Auto Host Resource Distribution"): explicit
 * `--cpu`/`--memory` win; otherwise with `--auto-resources` (the default) the host's cores and
 * memory are divided by `--concurrency`; with `--no-auto-resources` the image's own settings stay.
 */
export interface HostCapacity {
  readonly cpus: number;
  readonly memoryMiB: number;
}

export interface ResourceOptions {
  readonly cpu?: number;
  readonly memory?: number;
  readonly autoResources: boolean;
  readonly concurrency: number;
}

export function vmResources(
  options: ResourceOptions,
  host: HostCapacity,
): { cpu: number | null; memoryMiB: number | null } {
  const share = (total: number): number | null =>
    options.autoResources ? Math.max(1, Math.floor(total / Math.max(1, options.concurrency))) : null;
  return {
    cpu: options.cpu ?? share(host.cpus),
    memoryMiB: options.memory ?? share(host.memoryMiB),
  };
}
