/**
 * `<simDir>/invocations.jsonl`: one JSON line per `tart` invocation, so tests can assert on the
 * exact commands a daemon issued. `tart run` writes a first line (exitCode null) when it starts.
 * Lines are small, and appends of small lines are atomic, so concurrent invocations never interleave.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";

export interface InvocationRecord {
  readonly argv: readonly string[];
  /** `TART_*` and `CI` variables of the invocation. */
  readonly env: Readonly<Record<string, string>>;
  readonly pid: number;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly exitCode: number | null;
  /** The signal that ended the process, when it was killed rather than exiting. */
  readonly signal?: string;
}

export function recordedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && (key.startsWith("TART_") || key === "CI")) picked[key] = value;
  }
  return picked;
}

export function appendInvocation(simDir: string, record: InvocationRecord): void {
  try {
    mkdirSync(simDir, { recursive: true });
    appendFileSync(path.join(simDir, "invocations.jsonl"), `${JSON.stringify(record)}\n`);
  } catch {
    // The log is a test aid; tart's own behaviour must not depend on it.
  }
}
