/**
 * Phase `booting`: from `tart run` to a working SSH session, all under one boot deadline.
 * `tart ip` can be stale and `tart run` can die at any moment (2-VM limit, VZ errors), so every
 * wait races the run process's exit (tart-cli.md §5.3, §5.5).
 */
import type { Clock } from "../clock.js";
import type { Tart, TartRun } from "../tart/tart.js";
import type { ConnectGuestPort, GuestSessionPort } from "./guest-port.js";

export class VmExitedError extends Error {
  readonly code = "VM_EXITED";
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

export async function waitForGuest(
  request: { name: string; run: TartRun; deadline: number; signal: AbortSignal; lastLogLine: () => string },
  deps: {
    tart: Pick<Tart, "ip">;
    connectGuest: ConnectGuestPort;
    clock: Clock;
    resolver?: "dhcp" | "arp" | "agent";
    onIp: (ip: string) => void;
  },
): Promise<{ ip: string; session: GuestSessionPort }> {
  const stop = new AbortController();
  const signal = AbortSignal.any([request.signal, stop.signal]);
  const exited = whenRunExits(request.run, request.lastLogLine);
  exited.catch(() => stop.abort(new VmExitedError("tart run exited")));
  const remainingSeconds = (): number => Math.max(1, Math.ceil((request.deadline - deps.clock.now()) / 1000));
  const ip = await Promise.race([
    deps.tart.ip(request.name, {
      waitSeconds: remainingSeconds(),
      signal,
      ...(deps.resolver === undefined ? {} : { resolver: deps.resolver }),
    }),
    exited,
  ]);
  deps.onIp(ip);
  const session = await Promise.race([
    deps.connectGuest({ host: ip, deadline: request.deadline, signal }).catch((error: unknown) => {
      throw new Error(
        `SSH to the VM at ${ip} failed: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    }),
    exited,
  ]);
  return { ip, session };
}
