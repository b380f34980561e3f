/**
 * The warm pool the reconciler keeps, derived from tart-executor.yaml: each `warmPool.pools`
 * entry becomes a VmSpec whose labels are exactly what any job GitHub could route to that runner
 * needs (docs/warm-pool.md "Labels").
 */
import { warmPoolImageText } from "../config/check-warm-pool.js";
import type { ExecutorConfig } from "../config/executor-config.js";
import { parseImageReference } from "../github/image-reference.js";
import type { VmSpec } from "./model.js";
import { warmPoolKey, type WarmPoolPolicy } from "./reconcile/warm-pool.js";

/**
 * Labels GitHub adds to a macOS arm64 self-hosted runner by default. A JIT runner gets only the
 * labels it is registered with, and jobs often list these, so the warm runner carries them.
 */
const DEFAULT_RUNNER_LABELS = ["self-hosted", "macOS", "ARM64"];

/** The pool policy, or undefined when no pool is configured: then the reconciler is as without one. */
export function warmPoolPolicy(config: ExecutorConfig): WarmPoolPolicy | undefined {
  if (config.warmPool.pools.length === 0) return undefined;
  return {
    maxAgeMs: config.warmPool.maxAgeMs,
    pools: config.warmPool.pools.map((entry) => {
      const spec = warmPoolSpec(config, entry);
      return { key: warmPoolKey(spec), spec, count: entry.count };
    }),
  };
}

/**
 * A pool entry's VM: the image (alias resolved), the size (entry, else tart's defaults), and the
 * runner labels: the configured labels, the image as written in the config, its reference and
 * every alias naming it, `cpu:N` / `memory:N` when the entry sets them, and GitHub's defaults.
 * Any job the label matcher would give this spec to asks for a subset of these.
 */
export function warmPoolSpec(
  config: ExecutorConfig,
  entry: ExecutorConfig["warmPool"]["pools"][number],
): VmSpec {
  const aliases = config.tart.images.aliases;
  const text = warmPoolImageText(entry.image, aliases);
  // checkWarmPool has refused entries that are no image reference.
  const image = parseImageReference(text)?.value ?? text;
  const naming = Object.entries(aliases)
    .filter(([, target]) => (parseImageReference(target)?.value ?? target) === image)
    .map(([alias]) => alias);
  const labels = [
    ...config.runner.labels,
    ...(entry.image === text ? [entry.image] : []),
    image,
    ...naming,
    ...(entry.cpu === undefined ? [] : [`cpu:${entry.cpu}`]),
    ...(entry.memory === undefined ? [] : [`memory:${entry.memory}`]),
    ...DEFAULT_RUNNER_LABELS,
  ];
  return {
    image,
    cpu: entry.cpu ?? config.tart.defaultCpu ?? null,
    memoryMiB: entry.memory ?? config.tart.defaultMemory ?? null,
    labels: unique(labels),
  };
}

/** Lower-cased and without duplicates, like a matched job's labels. */
function unique(labels: readonly string[]): string[] {
  return [...new Set(labels.map((label) => label.toLowerCase()))];
}
