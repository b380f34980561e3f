/** Small statistics and formatting helpers shared by the benchmarks. */

export interface Summary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentile of an ascending array (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] as number),
    mean: sorted.length === 0 ? Number.NaN : sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  };
}

/** Milliseconds with a precision that suits their size; `—` for NaN. */
export function ms(value: number, digits = 1): string {
  if (Number.isNaN(value)) return "—";
  return value.toFixed(digits);
}

/** A signed difference, e.g. `+1.2`. */
export function signed(value: number, digits = 1): string {
  if (Number.isNaN(value)) return "—";
  return `${value >= 0 ? "+" : ""}${value.toFixed(digits)}`;
}

/** Left-aligned first column, right-aligned others, two spaces apart. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? "").length)));
  return all
    .map((row) =>
      row
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** A positive number from a command-line flag, or exit with a message. */
export function flagNumber(
  name: string,
  raw: string | undefined,
  limits: { min: number; max: number },
): number {
  const value = Number(raw);
  if (raw === undefined || !Number.isFinite(value) || value < limits.min || value > limits.max) {
    process.stderr.write(`--${name} must be a number from ${limits.min} to ${limits.max} (got ${raw})\n`);
    process.exit(64);
  }
  return value;
}

export const sleep = (msToWait: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, msToWait));

/** One line describing the machine and its load, for the record. */
export async function machineLine(): Promise<string> {
  const os = await import("node:os");
  const load = os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
  return `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "unknown"}), load average ${load}, node ${process.version}`;
}
