/**
 * Mirrors the guest runner's log to the host and reports what it says: online ("Listening for
 * Jobs"), took a job ("Running job: …") and its exit code. The runner survives SSH drops, so on a
 * lost connection we reconnect and follow again from the last byte received.
 */
import { followLogCommand } from "../guest/runner-commands.js";
import { parseRunnerExitMarker } from "../guest/runner-exit-marker.js";
import type { GuestSessionPort } from "./guest-port.js";
import type { GuestRunnerPaths } from "./runner-bootstrap.js";

export type RunnerSignal = { kind: "online" } | { kind: "job-started"; job: string } | { kind: "line" };

/** Classifies one line of the runner's output (the real runner's wording, github-api.md §4). */
export function classifyRunnerLine(line: string): RunnerSignal {
  if (/Listening for Jobs/.test(line)) return { kind: "online" };
  const job = /Running job: (.*)$/.exec(line);
  if (job !== null) return { kind: "job-started", job: (job[1] ?? "").trim() };
  return { kind: "line" };
}

export async function followRunner(options: {
  session: GuestSessionPort;
  reconnect: () => Promise<GuestSessionPort>;
  paths: GuestRunnerPaths;
  onLine: (line: string, signal: RunnerSignal) => void;
  signal: AbortSignal;
  maxReconnects?: number;
}): Promise<{ exitCode: number | null }> {
  let session = options.session;
  let bytes = 0;
  let partial = "";
  let exitCode: number | undefined;
  const onStdout = (chunk: string): void => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      const code = parseRunnerExitMarker(line);
      if (code !== null) {
        exitCode = code;
        continue;
      }
      bytes += Buffer.byteLength(line) + 1;
      options.onLine(line, classifyRunnerLine(line));
    }
  };
  const maxReconnects = options.maxReconnects ?? 5;
  for (let reconnects = 0; ; reconnects += 1) {
    try {
      await session.exec(
        followLogCommand(options.paths.logFile, options.paths.exitFile, { fromByte: bytes }),
        {
          onStdout,
          signal: options.signal,
        },
      );
      // Without the marker, the follow ended because the guest went away under us.
      return { exitCode: exitCode ?? null };
    } catch (error) {
      if (options.signal.aborted || reconnects >= maxReconnects) throw error;
      if ((error as { code?: string }).code !== "SSH_CONNECTION_LOST") throw error;
      partial = "";
      await session.close().catch(() => undefined);
      session = await options.reconnect();
    }
  }
}
