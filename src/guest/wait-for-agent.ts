/**
 * Readiness on the agent channel: `tart exec <vm> true` until it exits 0, as ysya/runscaler does
 * (macos-guest.md). Until the agent is up (or forever, on an image without it) tart answers
 * "Failed to connect to the VM using its control socket …" (exit 1); both look the same, so only
 * the deadline tells them apart.
 */
import type { Clock } from "../clock.js";
import { AgentGuestSession, type AgentExec } from "./agent-session.js";
import { GuestError } from "./guest-error.js";

/** One probe may take this long (tart's own gRPC connect gives up sooner). */
const PROBE_TIMEOUT_MS = 10_000;

export async function waitForAgent(
  vm: string,
  exec: AgentExec,
  options: { deadline: number; clock: Clock; signal: AbortSignal; pollMs?: number },
): Promise<AgentGuestSession> {
  const { clock, signal, deadline } = options;
  const pollMs = options.pollMs ?? 1_000;
  for (let attempt = 1; ; attempt += 1) {
    signal.throwIfAborted();
    const timeoutMs = Math.max(1_000, Math.min(PROBE_TIMEOUT_MS, deadline - clock.now()));
    const result = await exec(vm, ["true"], { timeoutMs, signal });
    signal.throwIfAborted();
    if (result.exitCode === 0) return new AgentGuestSession(vm, exec);
    const last = result.timedOut
      ? `tart exec ${vm} true did not answer within ${timeoutMs} ms`
      : (result.stderr
          .split("\n")
          .find((line) => line.trim() !== "")
          ?.trim() ?? `tart exec ${vm} true exited ${result.exitCode ?? result.signal ?? "?"}`);
    if (clock.now() + pollMs >= deadline)
      throw new GuestError(
        "AGENT_UNREACHABLE",
        `the guest agent of ${vm} did not answer before the boot deadline (${attempt} attempts): ${last}`,
      );
    await clock.sleep(pollMs, signal);
  }
}
