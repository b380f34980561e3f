import { systemClock } from "../../../src/clock.js";
import { connectGuest, type GuestConnectOptions, type GuestSession } from "../../../src/guest/ssh-guest.js";
import type { RunningSshd } from "../../helpers/sshd.js";

/** Connects to the test sshd with its client key and pinned host key; `overrides` replace any option. */
export function connectToSshd(
  sshd: RunningSshd,
  overrides: Partial<GuestConnectOptions> = {},
): Promise<GuestSession> {
  return connectGuest(
    {
      host: sshd.host,
      port: sshd.port,
      username: sshd.user,
      privateKey: sshd.clientKeyPem,
      hostKeySha256: sshd.hostKeySha256,
      readyTimeoutMs: 5_000,
      keepaliveIntervalMs: 5_000,
      retry: { deadline: Date.now() + 10_000, retryIntervalMs: 100 },
      ...overrides,
    },
    { clock: systemClock },
  );
}
