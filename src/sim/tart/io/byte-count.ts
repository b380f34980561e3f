/**
 * Foundation's `ByteCountFormatter` in its default (file, adaptive) style, used in tart's disk
 * size messages: decimal units, no fraction for bytes and KB, one digit for MB, two above.
 */
const UNITS: readonly (readonly [string, number, number])[] = [
  ["TB", 1e12, 2],
  ["GB", 1e9, 2],
  ["MB", 1e6, 1],
  ["KB", 1e3, 0],
];

export function byteCount(bytes: number): string {
  if (bytes === 0) return "Zero KB";
  for (const [unit, size, digits] of UNITS) {
    if (bytes >= size) return `${trimZeros((bytes / size).toFixed(digits))} ${unit}`;
  }
  return `${bytes} byte${bytes === 1 ? "" : "s"}`;
}

function trimZeros(text: string): string {
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}
