/**
 * `Unknown option '--x'`, with swift-argument-parser's "Did you mean" suggestion: the closest long
 * name whose edit distance to the typed one is below 4.
 */
import type { ArgSpec } from "./command-spec.js";

const SIMILARITY_FLOOR = 4;

export function unknownOptionMessage(args: readonly ArgSpec[], typed: string): string {
  let best: { name: string; distance: number } | undefined;
  for (const name of longNames(args)) {
    const distance = editDistance(name, typed);
    if (distance < SIMILARITY_FLOOR && (best === undefined || distance < best.distance))
      best = { name, distance };
  }
  const base = `Unknown option '${typed}'`;
  return best === undefined ? base : `${base}. Did you mean '${best.name}'?`;
}

function longNames(args: readonly ArgSpec[]): string[] {
  const names: string[] = [];
  for (const arg of args) {
    if (arg.type === "positional" || (arg.type === "flag" && arg.shortOnly === true)) continue;
    names.push(`--${arg.long}`);
    if (arg.type === "flag" && arg.inversion === true) names.push(`--no-${arg.long}`);
  }
  return names;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(
        Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
