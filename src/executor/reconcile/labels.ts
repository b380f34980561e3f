/** Runner label matching, the way GitHub routes jobs (reference/github-api.md §5.1). */
import type { VmSpec } from "../model.js";

/** True when the runner's labels include every job label, compared case-insensitively. */
export function labelsSatisfy(vmLabels: readonly string[], jobLabels: readonly string[]): boolean {
  const have = new Set(vmLabels.map((label) => label.toLowerCase()));
  return jobLabels.every((label) => have.has(label.toLowerCase()));
}

/**
 * Whether a VM built from `vm` can stand in for a job asking for `job`. GitHub looks only at the
 * labels; we also require the same image so that a job never runs on an image it did not ask for.
 */
export function canServe(vm: VmSpec, job: VmSpec): boolean {
  return vm.image === job.image && labelsSatisfy(vm.labels, job.labels);
}
