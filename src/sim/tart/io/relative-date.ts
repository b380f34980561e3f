/** Foundation's `RelativeDateTimeFormatter` with `.full` units, as `tart list` shows `Accessed`. */
const UNITS: readonly (readonly [string, number])[] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

export function relativeDate(date: Date, now: Date): string {
  const deltaMs = date.getTime() - now.getTime();
  const magnitude = Math.floor(Math.abs(deltaMs) / 1000);
  const [unit, size] = UNITS.find(([, s]) => magnitude >= s) ?? ["second", 1];
  const count = Math.floor(magnitude / size);
  const phrase = `${count} ${unit}${count === 1 ? "" : "s"}`;
  return deltaMs <= 0 ? `${phrase} ago` : `in ${phrase}`;
}

/** `ISO8601DateFormatter` default: `2026-05-12T21:45:18Z` (UTC, no fractional seconds). */
export function iso8601(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
