/**
 * The one way the GitLab driver reaches a job's guest: today SSH to the address `tart ip` reports
 * (src/guest/ssh-guest.ts), with retries until the deadline. Everything else in src/gitlab/ asks
 * this file for a GuestSession, so switching to `tart exec` (the guest agent) changes only here.
 */
import type { Clock } from "../clock.js";
import { connectGuest, type GuestSession } from "../guest/ssh-guest.js";
import type { Tart } from "../tart/tart.js";

export interface GuestChannelOptions {
  readonly vm: string;
  readonly username: string;
  readonly password: string;
  /** SSH port of the guests (22; the simulation's guests listen elsewhere). */
  readonly port: number;
  /** Seconds `tart ip --wait` may take (TART_EXECUTOR_TIMEOUT). */
  readonly ipTimeoutSeconds: number;
  /** Seconds, from now, for the guest to accept a login (--timeout). */
  readonly connectTimeoutSeconds: number;
  readonly signal?: AbortSignal;
}

export async function openGuestChannel(
  options: GuestChannelOptions,
  deps: { tart: Pick<Tart, "ip">; clock: Clock },
): Promise<GuestSession> {
  const host = await deps.tart.ip(options.vm, {
    waitSeconds: options.ipTimeoutSeconds,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return connectGuest(
    {
      host,
      port: options.port,
      username: options.username,
      password: options.password,
      readyTimeoutMs: 10_000,
      keepaliveIntervalMs: 10_000,
      retry: { deadline: deps.clock.now() + options.connectTimeoutSeconds * 1000, retryIntervalMs: 1_000 },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    },
    { clock: deps.clock },
  );
}
