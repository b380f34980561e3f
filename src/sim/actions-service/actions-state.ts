/** Everything the fake Actions service's routes share. */
import type { Clock } from "../../clock.js";
import type { Changes } from "../github/changes.js";
import type { AdminTokens } from "./admin-tokens.js";
import type { JobAssigner, ScaleSetRunner } from "./job-assigner.js";
import type { RunnerGroup, ScaleSet, ScaleSets } from "./scale-sets.js";

export interface ActionsState {
  readonly clock: Clock;
  readonly changes: Changes;
  readonly sets: ScaleSets;
  readonly assigner: JobAssigner;
  readonly adminTokens: AdminTokens;
  readonly groups: readonly RunnerGroup[];
  /** How long an empty long poll is held before 202. */
  readonly pollWaitMs: number;
  readonly shutdown: AbortSignal;
  /** Every message acknowledgement, in order. */
  readonly acks: Array<{ scaleSetId: number; messageId: number; atMs: number }>;
  /** Last poll of each scale set: when and with what X-ScaleSetMaxCapacity. */
  readonly lastPoll: Map<number, { atMs: number; capacity: number }>;
  url(): string;
  changed(): void;
  /** True (once per injected drop) when the next long poll's connection is to be cut. */
  takeDroppedPoll(): boolean;
  jitConfig(runner: ScaleSetRunner, set: ScaleSet, githubUrl: string): string;
}
