/**
 * The runner's console output, in the real runner's shapes: `√ ` success lines, and timestamps
 * in .NET's sortable universal format (`2024-05-01 12:00:00Z`), which is what the real listener
 * prints before "Listening for Jobs" and friends. Lines only; the daemon redirects both streams.
 */

export interface Terminal {
  info(line: string): void;
  success(line: string): void;
  error(line: string): void;
  /** `<date>: <line>`, as the listener prints its job lines. */
  stamped(line: string): void;
}

export function runnerTimestamp(date = new Date()): string {
  return date
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}

export const terminal: Terminal = {
  info: (line) => process.stdout.write(`${line}\n`),
  success: (line) => process.stdout.write(`√ ${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
  stamped: (line) => process.stdout.write(`${runnerTimestamp()}: ${line}\n`),
};
