/**
 * Decides whether a job's `runs-on` labels are for this executor and, if so, which VM it needs
 * (original-tart-executor.md §2, with its flaws fixed: case-insensitive like GitHub, tolerant of
 * GitHub's default self-hosted labels, malformed resources rejected instead of ignored, and the
 * image checked before it reaches tart).
 */
import type { VmSpec } from "../executor/model.js";
import { isImageAllowed } from "./image-policy.js";
import { parseImageReference } from "./image-reference.js";
import { parseResourceLabel } from "./resource-label.js";

export interface MatchRules {
  /**
   * Labels a job must carry (all of them) to be ours. Config must not leave this empty: every
   * job on the org (`ubuntu-latest`…) would then read as a request for a local VM of that name.
   */
  readonly requiredLabels: readonly string[];
  /** Short names for images: `sequoia` → `ghcr.io/cirruslabs/macos-sequoia-xcode:16`. */
  readonly aliases: Readonly<Record<string, string>>;
  /** Image glob patterns (see image-policy.ts); empty allows any image. */
  readonly allow: readonly string[];
  readonly defaultCpu: number | null;
  readonly defaultMemoryMiB: number | null;
}

export type MatchResult =
  | { readonly kind: "match"; readonly spec: VmSpec }
  /** Not for us: the server acknowledges it and logs at debug level. */
  | { readonly kind: "ignore"; readonly reason: string }
  /** Meant for us but unusable: the reason is safe to log (labels are JSON-quoted). */
  | { readonly kind: "reject"; readonly reason: string };

/** Labels GitHub adds to every self-hosted runner; jobs often list them, they never name an image. */
const GITHUB_DEFAULT_LABELS: ReadonlySet<string> = new Set(["self-hosted", "macos", "arm64"]);

/** Matches a job's labels against the executor's rules. Pure; never throws. */
export function matchJob(labels: readonly string[], rules: MatchRules): MatchResult {
  const unique = uniqueIgnoringCase(labels);
  const present = new Set(unique.map((label) => label.toLowerCase()));
  const required = new Set(rules.requiredLabels.map((label) => label.toLowerCase()));
  const missing = [...required].filter((label) => !present.has(label));
  if (missing.length > 0) return { kind: "ignore", reason: `missing required labels ${quoteAll(missing)}` };

  let cpu: number | null = null;
  let memoryMiB: number | null = null;
  const rest: string[] = [];
  for (const label of unique) {
    const lower = label.toLowerCase();
    if (required.has(lower) || GITHUB_DEFAULT_LABELS.has(lower)) continue;
    const resource = parseResourceLabel(label);
    if (resource === null) rest.push(label);
    else if (resource.kind === "invalid") return { kind: "reject", reason: resource.reason };
    else if (resource.kind === "cpu") cpu = Math.max(cpu ?? 0, resource.value);
    else memoryMiB = Math.max(memoryMiB ?? 0, resource.value);
  }

  const [imageLabel, ...extra] = rest;
  if (imageLabel === undefined) {
    return {
      kind: "reject",
      reason: "no image label: runs-on must name one image (an alias or a Tart image)",
    };
  }
  if (extra.length > 0) {
    return {
      kind: "reject",
      reason: `expected exactly one image label, found ${rest.length}: ${quoteAll(rest)}`,
    };
  }

  const target = aliasTarget(rules.aliases, imageLabel);
  const image = parseImageReference(target ?? imageLabel);
  if (image === null) {
    const reason =
      target === undefined
        ? `${quote(imageLabel)} is neither an image alias, a Tart image reference nor a local VM name`
        : `alias ${quote(imageLabel)} points to an invalid image reference ${quote(target)}`;
    return { kind: "reject", reason };
  }
  if (!isImageAllowed(image.value, rules.allow)) {
    return { kind: "reject", reason: `image ${quote(image.value)} not allowed by tart.images.allow` };
  }
  return {
    kind: "match",
    spec: {
      image: image.value,
      cpu: cpu ?? rules.defaultCpu,
      memoryMiB: memoryMiB ?? rules.defaultMemoryMiB,
      labels: [...present],
    },
  };
}

/** First spelling of each label, compared case-insensitively, in the original order. */
function uniqueIgnoringCase(labels: readonly string[]): string[] {
  const seen = new Set<string>();
  return labels.filter((label) => {
    const lower = label.toLowerCase();
    if (seen.has(lower)) return false;
    seen.add(lower);
    return true;
  });
}

function aliasTarget(aliases: Readonly<Record<string, string>>, label: string): string | undefined {
  const lower = label.toLowerCase();
  // Object.entries sees own keys only, so labels like `constructor` never hit the prototype.
  return Object.entries(aliases).find(([name]) => name.toLowerCase() === lower)?.[1];
}

/** JSON quoting escapes newlines and control characters, and long labels are cut. */
function quote(label: string): string {
  return JSON.stringify(label.length > 80 ? `${label.slice(0, 80)}…` : label);
}

function quoteAll(labels: readonly string[]): string {
  return labels.map(quote).join(", ");
}
