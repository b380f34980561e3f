/** Creating workflow jobs for the dispatcher: validated options, unique ids, GitHub-like defaults. */
import type { Clock } from "../../clock.js";
import type { DeliveryKnobs } from "./delivery-rules.js";
import { fakeSha } from "./ids.js";
import type { Installations } from "./installations.js";
import type { Job } from "./jobs.js";
import type { RepoDirectory } from "./repo-directory.js";

export interface EnqueueJobOptions {
  /** `owner/name`; an installation of the App must cover it. */
  readonly repo: string;
  /** The job's `runs-on` labels. */
  readonly labels: readonly string[];
  /** How long the job runs once a runner acquired it (default 1000 ms). */
  readonly durationMs?: number;
  readonly result?: "success" | "failure";
  readonly name?: string;
  readonly workflowName?: string;
  readonly runId?: number;
  readonly runAttempt?: number;
  /** Environment-gated: `queued` (status waiting) then `waiting`, runnable only after approve(). */
  readonly waitingFirst?: boolean;
  /** Knobs for this job's first delivery. */
  readonly delivery?: DeliveryKnobs;
}

export interface JobFactoryDeps {
  readonly clock: Clock;
  readonly installations: Installations;
  readonly repos: RepoDirectory;
}

export class JobFactory {
  readonly #deps: JobFactoryDeps;
  // Real ids are large (int64 in the API); starting high catches 32-bit assumptions.
  #nextJobId = 29_000_000_001;
  #nextRunId = 10_000_000_001;

  constructor(deps: JobFactoryDeps) {
    this.#deps = deps;
  }

  create(options: EnqueueJobOptions): Job {
    const [owner, name, extra] = options.repo.split("/");
    if (owner === undefined || name === undefined || extra !== undefined || owner === "" || name === "")
      throw new Error(`repo must be "owner/name", got "${options.repo}"`);
    const installation = this.#deps.installations.forRepo(owner, name);
    if (installation === undefined) throw new Error(`no installation of the App covers ${options.repo}`);
    if (options.labels.length === 0) throw new Error("a job needs at least one label");
    const now = this.#deps.clock.now();
    const runId = options.runId ?? this.#nextRunId++;
    return {
      id: this.#nextJobId++,
      runId,
      runAttempt: options.runAttempt ?? 1,
      repo: this.#deps.repos.ref(installation.account, name),
      installationId: installation.id,
      labels: [...options.labels],
      name: options.name ?? "build",
      workflowName: options.workflowName ?? "CI",
      headBranch: "main",
      headSha: fakeSha(`run:${runId}`),
      durationMs: options.durationMs ?? 1000,
      result: options.result ?? "success",
      createdAtMs: now,
      status: options.waitingFirst === true ? "waiting" : "queued",
      conclusion: null,
      startedAtMs: now,
      completedAtMs: null,
      runner: null,
      assignedRunnerId: undefined,
      cancelRequested: false,
      lastRenewMs: now,
      timeline: [],
    };
  }
}
