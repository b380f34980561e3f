/**
 * The oldest tart we support. We pass `ip --wait --resolver arp`, `set --random-mac`,
 * `list --source … --format json` and `run --no-graphics --net-bridged=… --dir=…`. None of these is
 * new in recent releases, but tart-cli.md only dates a few neighbours: `exec` (2.27), `ip
 * --resolver agent` (2.28), `clone --prune-limit` (2.28.5), `list`'s `Accessed` field (2.31). We
 * pick 2.28.0: the first release where the `ip --resolver` option we rely on has the shape the
 * reference documents (with `agent`), and old enough that current Homebrew installs are far above
 * it. Anything older is untested and gets a FAIL rather than odd failures mid-job.
 */
export const MINIMUM_TART_VERSION = "2.28.0";

export type Version = readonly [major: number, minor: number, patch: number];

/** `2.32.1` (possibly with a suffix such as `-beta` or a trailing newline) → [2, 32, 1]. */
export function parseTartVersion(output: string): Version | null {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(output.trim());
  if (match === null) return null;
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export function isSupportedTart(version: Version): boolean {
  const minimum = parseTartVersion(MINIMUM_TART_VERSION);
  return minimum !== null && compareVersions(version, minimum) >= 0;
}
