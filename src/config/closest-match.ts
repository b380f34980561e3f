/** Edit distance between two strings (insertions, deletions, substitutions). */
function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate a user most likely meant when they typed `input`, or undefined when none is
 * close: same spelling ignoring case, one a prefix of the other (`org` → `organization`), or a
 * few typos apart (`label` → `labels`, `isHeadles` → `isHeadless`). `maxDistance` asks for
 * near-exact matches only.
 */
export function closestMatch(
  input: string,
  candidates: readonly string[],
  maxDistance?: number,
): string | undefined {
  const needle = input.toLowerCase();
  const exact = candidates.find((c) => c.toLowerCase() === needle);
  if (exact !== undefined) return exact;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    const prefix = needle.length >= 3 && (lower.startsWith(needle) || needle.startsWith(lower));
    const distance = prefix && maxDistance === undefined ? 0.5 : levenshtein(needle, lower);
    const limit = maxDistance ?? Math.max(1, Math.floor(Math.max(needle.length, lower.length) / 3));
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
