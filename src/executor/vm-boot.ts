/**
 * Phase `booting`: from `tart run` to a working guest channel, all under one boot deadline.
 * `tart ip` can be stale and `tart run` can die at any moment (2-VM limit, VZ errors), so every
 * wait races the run process's exit (tart-cli.md §5.3, §5.5).
 *
 * Two channels reach the guest (tart.guestChannel): `ssh` (tart ip, then SSH), and `agent`
 * (`tart exec` through the Tart Guest Agent; no network connection from the host, so no SSH
 * credentials, no race with sshd's start and no Local Network permission, macos-guest.md).
 * `auto` tries both at once: the agent wins when `tart exec <vm> true` succeeds; once SSH is
 * ready, the agent still gets AGENT_GRACE_MS (it starts at about the same point of boot), then
 * SSH is used, so an image without the agent costs seconds, not the whole boot deadline.
 */
import type { Clock } from "../clock.js";
import { waitForAgent } from "../guest/wait-for-agent.js";
import type { Tart, TartRun } from "../tart/tart.js";
import type { ConnectGuestPort, GuestSessionPort } from "./guest-port.js";

export type GuestChannelSetting = "auto" | "agent" | "ssh";

/** How long `auto` still waits for the agent once SSH is ready. */
export const AGENT_GRACE_MS = 5_000;

export class VmExitedError extends Error {
  readonly code = "VM_EXITED";
}

/** A ready guest: the channel chosen, and how to get a fresh session if this one is lost. */
export interface GuestConnection {
  readonly channel: "agent" | "ssh";
  /** The VM's address (null on the agent channel, which never asks for one). */
  readonly ip: string | null;
  readonly session: GuestSessionPort;
  reconnect(deadline: number, signal: AbortSignal): Promise<GuestSessionPort>;
}

/** Rejects as soon as the VM's `tart run` exits, with the last line it logged. */
export function whenRunExits(run: TartRun, lastLogLine: () => string): Promise<never> {
  return run.exited.then(({ exitCode, signal }) => {
    const line = lastLogLine();
    throw new VmExitedError(
      `tart run exited (${exitCode === null ? `signal ${signal ?? "?"}` : `code ${exitCode}`})${line ? `: ${line}` : ""}`,
    );
  });
}

export interface WaitForGuestDeps {
  tart: Pick<Tart, "ip" | "exec">;
  connectGuest: ConnectGuestPort;
  clock: Clock;
  resolver?: "dhcp" | "arp" | "agent";
  onIp: (ip: string) => void;
  /** Default `ssh` (what callers that predate the agent channel expect). */
  channel?: GuestChannelSetting;
  /** Told which channel was chosen and why. */
  onChannel?: (chosen: { channel: "agent" | "ssh"; reason: string }) => void;
}

export async function waitForGuest(
  request: { name: string; run: TartRun; deadline: number; signal: AbortSignal; lastLogLine: () => string },
  deps: WaitForGuestDeps,
): Promise<GuestConnection> {
  const stop = new AbortController();
  const signal = AbortSignal.any([request.signal, stop.signal]);
  const exited = whenRunExits(request.run, request.lastLogLine);
  exited.catch(() => stop.abort(new VmExitedError("tart run exited")));
  try {
    const setting = deps.channel ?? "ssh";
    const connection =
      setting === "ssh"
        ? await Promise.race([viaSsh(request, deps, signal), exited])
        : setting === "agent"
          ? await Promise.race([viaAgent(request, deps, signal), exited])
          : await Promise.race([viaEither(request, deps, signal), exited]);
    return connection;
  } finally {
    // Ends whatever probe lost the race (and the listener on the caller's signal).
    stop.abort(new Error("guest ready"));
  }
}

async function viaAgent(
  request: { name: string; deadline: number },
  deps: WaitForGuestDeps,
  signal: AbortSignal,
): Promise<GuestConnection> {
  const exec = deps.tart.exec.bind(deps.tart);
  const session = await waitForAgent(request.name, exec, {
    deadline: request.deadline,
    clock: deps.clock,
    signal,
  });
  return { channel: "agent", ip: null, session, reconnect: () => Promise.resolve(session) };
}

async function viaSsh(
  request: { name: string; deadline: number },
  deps: WaitForGuestDeps,
  signal: AbortSignal,
): Promise<GuestConnection> {
  const remainingSeconds = Math.max(1, Math.ceil((request.deadline - deps.clock.now()) / 1000));
  const ip = await deps.tart.ip(request.name, {
    waitSeconds: remainingSeconds,
    signal,
    ...(deps.resolver === undefined ? {} : { resolver: deps.resolver }),
  });
  deps.onIp(ip);
  const session = await deps
    .connectGuest({ host: ip, deadline: request.deadline, signal })
    .catch((error: unknown) => {
      throw new Error(
        `SSH to the VM at ${ip} failed: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    });
  return {
    channel: "ssh",
    ip,
    session,
    reconnect: (deadline, reconnectSignal) =>
      deps.connectGuest({ host: ip, deadline, signal: reconnectSignal }),
  };
}

/** `auto`: the agent if it answers, else SSH (see the file comment). */
async function viaEither(
  request: { name: string; deadline: number },
  deps: WaitForGuestDeps,
  signal: AbortSignal,
): Promise<GuestConnection> {
  const agentStop = new AbortController();
  const sshStop = new AbortController();
  const agent = viaAgent(request, deps, AbortSignal.any([signal, agentStop.signal]));
  const ssh = viaSsh(request, deps, AbortSignal.any([signal, sshStop.signal]));
  const agentOutcome = settle(agent);
  const sshOutcome = settle(ssh);
  const first = await Promise.race([agentOutcome, sshOutcome]);
  if (first.from === agent) {
    if (first.ok) {
      sshStop.abort(new Error("the agent answered"));
      void ssh.then((lost) => lost.session.close()).catch(() => undefined);
      deps.onChannel?.({ channel: "agent", reason: "tart exec true succeeded" });
      return first.value;
    }
    // No agent before the deadline: SSH is all there is.
    const viaSshOnly = await ssh;
    deps.onChannel?.({ channel: "ssh", reason: `the agent did not answer: ${describe(first.error)}` });
    return viaSshOnly;
  }
  if (!first.ok) {
    // SSH failed for good: the agent may still answer before the deadline.
    const viaAgentOnly = await agent.catch((error: unknown) => {
      throw new Error(`neither channel reached the guest: ${describe(first.error)}; ${describe(error)}`, {
        cause: error,
      });
    });
    deps.onChannel?.({ channel: "agent", reason: `SSH failed: ${describe(first.error)}` });
    return viaAgentOnly;
  }
  const grace = new AbortController();
  const late = await Promise.race([
    agentOutcome,
    deps.clock.sleep(AGENT_GRACE_MS, AbortSignal.any([signal, grace.signal])).then(
      () => null,
      () => null,
    ),
  ]);
  grace.abort();
  if (late?.ok === true) {
    await first.value.session.close().catch(() => undefined);
    deps.onChannel?.({ channel: "agent", reason: "tart exec true succeeded" });
    return late.value;
  }
  agentStop.abort(new Error("SSH was ready first"));
  agent.catch(() => undefined);
  deps.onChannel?.({
    channel: "ssh",
    reason:
      late === null
        ? `the agent did not answer within ${AGENT_GRACE_MS / 1000} s of SSH being ready`
        : `the agent did not answer: ${describe(late.error)}`,
  });
  return first.value;
}

type Outcome =
  | { from: Promise<GuestConnection>; ok: true; value: GuestConnection }
  | { from: Promise<GuestConnection>; ok: false; error: unknown };

function settle(promise: Promise<GuestConnection>): Promise<Outcome> {
  return promise.then(
    (value) => ({ from: promise, ok: true as const, value }),
    (error: unknown) => ({ from: promise, ok: false as const, error }),
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
