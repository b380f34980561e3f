/**
 * What the admin API (`/api/v1`) of either daemon can see and do. Each daemon implements it in its
 * composition root; src/admin builds the routes on top of it. Reads are open on localhost;
 * everything that changes state needs the bearer token (config `apiToken`) when one is set, and
 * ALWAYS when the API is reachable from other hosts.
 */
export interface AdminTimelineStep {
  readonly at: string;
  readonly step: string;
  readonly detail?: string;
}

export interface AdminJob {
  readonly key: string;
  readonly repo: string;
  readonly jobId: number;
  readonly runAttempt: number;
  readonly name: string;
  readonly url: string | null;
  readonly status: string;
  readonly conclusion: string | null;
  readonly image: string;
  readonly labels: readonly string[];
  readonly runnerName: string | null;
  readonly givenUp: string | null;
  readonly firstSeenAt: string;
  readonly timeline: readonly AdminTimelineStep[];
}

export interface AdminVm {
  readonly name: string;
  readonly phase: string;
  readonly image: string;
  readonly cpu: number | null;
  readonly memoryMiB: number | null;
  readonly ageSeconds: number;
  readonly forJob: string;
  readonly servingJob: string | null;
}

export interface ExecutorAdminStatus {
  readonly kind: "executor";
  readonly hostname: string;
  readonly version: string;
  readonly startedAt: string;
  readonly accepting: boolean;
  readonly draining: boolean;
  readonly slots: { readonly limit: number; readonly used: number; readonly free: number };
  readonly cpu: { readonly limit: number | null; readonly used: number };
  readonly memoryMiB: { readonly limit: number | null; readonly used: number };
  readonly jobs: {
    readonly queued: number;
    readonly waiting: number;
    readonly inProgress: number;
    readonly givenUp: number;
  };
  readonly vms: readonly AdminVm[];
}

export interface ExecutorAdminPort {
  status(): ExecutorAdminStatus;
  /** Most recent jobs first, with their timelines. */
  jobs(): readonly AdminJob[];
  /** Stops serving a job and tears its VMs down. False when the job is unknown. */
  cancelJob(key: string): boolean;
  /** Stop starting new VMs (running jobs finish); `resume` undoes it. No restart needed. */
  drain(): void;
  resume(): void;
}

export interface RouterAdminHost {
  readonly hostname: string;
  readonly url: string;
  readonly priority: number;
  readonly healthy: boolean;
  readonly lastSeen: string | null;
  readonly freeSlots: number;
  readonly virtualMachineLimit: number;
  readonly activeVirtualMachines: number;
  readonly ownedJobs: number;
}

export interface RouterAdminStatus {
  readonly kind: "router";
  readonly hostname: string;
  readonly version: string;
  readonly startedAt: string;
  readonly accepting: boolean;
  readonly queueDepth: number;
  readonly hosts: readonly RouterAdminHost[];
  readonly jobs: ReadonlyArray<{
    readonly key: string;
    readonly status: string;
    readonly owner: string | null;
    readonly url: string | null;
  }>;
}

export interface RouterAdminPort {
  status(): RouterAdminStatus;
  /** Forgets a queued job (it will not be dispatched). False when unknown. */
  cancelJob(key: string): boolean;
  drain(): void;
  resume(): void;
}
