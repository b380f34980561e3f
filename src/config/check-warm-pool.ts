import { parseImageReference } from "../github/image-reference.js";
import { problem, type ConfigProblem } from "./config-problem.js";
import type { RawExecutorConfig } from "./executor-config-schema.js";
import { EXECUTOR_DEFAULTS } from "./executor-defaults.js";
import { isImageAllowed } from "./image-pattern.js";

type Pool = NonNullable<RawExecutorConfig["warmPool"]>["pools"][number];

/** The image a pool entry names: an alias (case-insensitive, like runs-on labels) or a reference. */
export function warmPoolImageText(image: string, aliases: Readonly<Record<string, string>>): string {
  const lower = image.toLowerCase();
  return Object.entries(aliases).find(([name]) => name.toLowerCase() === lower)?.[1] ?? image;
}

/**
 * Rules of `warmPool` that involve other keys: warm VMs hold VM slots, so all counts together must
 * fit numberOfVirtualMachines and the CPU and memory budgets, and every image must be one a job
 * could ask for (a valid reference allowed by tart.images.allow).
 */
export function checkWarmPool(raw: RawExecutorConfig): ConfigProblem[] {
  const pools = raw.warmPool?.pools ?? [];
  const problems: ConfigProblem[] = [];
  const slots = raw.tart?.numberOfVirtualMachines ?? EXECUTOR_DEFAULTS.numberOfVirtualMachines;
  const seen = new Map<string, number>();
  let vms = 0;
  let cpu = 0;
  let memory = 0;
  pools.forEach((pool, index) => {
    const at = (key: string): (string | number)[] => ["warmPool", "pools", index, key];
    vms += pool.count;
    if (vms > slots) {
      problems.push(
        problem(
          at("count"),
          `brings the warm VMs to ${vms}, more than tart.numberOfVirtualMachines (${slots}); warm VMs hold VM slots`,
          slots === 1
            ? "lower the counts, or set tart.numberOfVirtualMachines: 2"
            : `keep the counts of all pools at ${slots} or fewer together`,
        ),
      );
    }
    const image = imageProblem(pool, raw, at("image"));
    if (image !== null) problems.push(image);
    const key = sizeKey(pool, raw);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push(
        problem(
          at("image"),
          `is the same image and size as warmPool.pools[${earlier}]`,
          "add their counts together in one entry",
        ),
      );
    } else seen.set(key, index);
    cpu += (pool.cpu ?? raw.tart?.defaultCpu ?? 0) * pool.count;
    memory += (pool.memory ?? raw.tart?.defaultMemory ?? 0) * pool.count;
    if (raw.cpuLimit !== undefined && cpu > raw.cpuLimit) {
      problems.push(
        problem(
          at("count"),
          `brings the warm VMs' CPUs to ${cpu}, more than cpuLimit (${raw.cpuLimit})`,
          "lower the counts or cpu sizes, or raise cpuLimit",
        ),
      );
    }
    if (raw.totalMemory !== undefined && memory > raw.totalMemory) {
      problems.push(
        problem(
          at("count"),
          `brings the warm VMs' memory to ${memory} MB, more than totalMemory (${raw.totalMemory} MB)`,
          "lower the counts or memory sizes, or raise totalMemory",
        ),
      );
    }
  });
  return problems;
}

function imageProblem(pool: Pool, raw: RawExecutorConfig, path: (string | number)[]): ConfigProblem | null {
  const text = warmPoolImageText(pool.image, raw.tart?.images?.aliases ?? {});
  const reference = parseImageReference(text);
  if (reference === null) {
    return problem(
      path,
      `"${pool.image}" is neither an alias in tart.images.aliases nor a Tart image reference`,
      "e.g. ghcr.io/cirruslabs/macos-sequoia-xcode:16, or an alias name",
    );
  }
  if (!isImageAllowed(raw.tart?.images?.allow ?? [], reference.value)) {
    return problem(
      path,
      `"${reference.value}" is not allowed by tart.images.allow, so no job could use this pool`,
      "add a matching pattern to tart.images.allow or pick an allowed image",
    );
  }
  return null;
}

function sizeKey(pool: Pool, raw: RawExecutorConfig): string {
  const text = warmPoolImageText(pool.image, raw.tart?.images?.aliases ?? {});
  const image = parseImageReference(text)?.value ?? text;
  return `${image} ${pool.cpu ?? raw.tart?.defaultCpu ?? "-"} ${pool.memory ?? raw.tart?.defaultMemory ?? "-"}`;
}
