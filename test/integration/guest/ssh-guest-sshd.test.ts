import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/clock.js";
import type { GuestError } from "../../../src/guest/guest-error.js";
import { connectGuest, type GuestSession } from "../../../src/guest/ssh-guest.js";
import { freePort, startSshd, type RunningSshd } from "../../helpers/sshd.js";
import { connectToSshd } from "./connect-to-sshd.js";
import { guestFailure } from "./guest-failure.js";

describe("ssh guest against a real sshd", () => {
  let sshd: RunningSshd;
  let session: GuestSession;

  beforeAll(async () => {
    sshd = await startSshd();
    session = await connectToSshd(sshd);
  });
  afterAll(async () => {
    await session?.close();
    await sshd?.stop();
  });

  it("logs in with the key, pins the host key and runs commands in the temp HOME", async () => {
    expect(session.hostKeyFingerprint).toBe(`SHA256:${sshd.hostKeySha256.replace(/=+$/, "")}`);
    const result = await session.exec('id -u; echo "$HOME"; echo oops >&2; exit 3');
    expect(result).toEqual({ exitCode: 3, signal: null, stdout: `0\n${sshd.home}\n`, stderr: "oops\n" });
  });

  it("reports a command killed by a signal", async () => {
    const result = await session.exec("kill -TERM $$");
    expect(result).toMatchObject({ exitCode: null, signal: "SIGTERM" });
  });

  it("pipes stdin, streams output and caps what it keeps", async () => {
    const seen: string[] = [];
    const echoed = await session.exec("cat", { stdin: "from stdin\n", onStdout: (text) => seen.push(text) });
    expect(echoed.stdout).toBe("from stdin\n");
    expect(seen.join("")).toBe("from stdin\n");
    const big = await session.exec("head -c 5000 /dev/zero | tr '\\0' a", { maxBuffer: 1000 });
    expect(big.stdout).toBe(
      `${"a".repeat(1000)}\n[tart-executor: output truncated at 1000 bytes, 4000 more bytes dropped]\n`,
    );
  });

  it("times a command out without spoiling the session", async () => {
    const started = Date.now();
    const error = await guestFailure(session.exec("sleep 2", { timeoutMs: 300 }));
    expect(error.code).toBe("SSH_COMMAND_TIMEOUT");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await session.exec("echo still here")).stdout).toBe("still here\n");
  });

  it("aborts a command", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("job cancelled")), 200);
    const started = Date.now();
    const error = await guestFailure(session.exec("sleep 2", { signal: controller.signal }));
    expect(error.code).toBe("SSH_ABORTED");
    expect(error.cause).toEqual(new Error("job cancelled"));
    expect(Date.now() - started).toBeLessThan(1_500);
    const aborted = new AbortController();
    aborted.abort();
    expect((await guestFailure(session.exec("true", { signal: aborted.signal }))).code).toBe("SSH_ABORTED");
  });

  it("accepts the pin in ssh-keygen format, or no pin, and rejects a wrong pin at once", async () => {
    const pinned = await connectToSshd(sshd, { hostKeySha256: session.hostKeyFingerprint });
    await pinned.close();
    const open = await connectGuest(
      {
        host: sshd.host,
        port: sshd.port,
        username: sshd.user,
        privateKey: sshd.clientKeyPem,
        readyTimeoutMs: 5_000,
        keepaliveIntervalMs: 0,
        retry: { deadline: Date.now() + 5_000, retryIntervalMs: 100 },
      },
      { clock: systemClock },
    );
    expect(open.hostKeyFingerprint).toBe(session.hostKeyFingerprint);
    await open.close();
    let retries = 0;
    const wrongPin = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const error = await guestFailure(
      connectToSshd(sshd, { hostKeySha256: wrongPin, onRetry: () => (retries += 1) }),
    );
    expect(error.code).toBe("SSH_HOST_KEY_MISMATCH");
    expect(error.message).toContain(session.hostKeyFingerprint);
    expect(retries).toBe(0);
  });

  it("fails fast on a key the guest does not accept", async () => {
    const stranger = ssh2.utils.generateKeyPairSync("ed25519").private;
    const error = await guestFailure(
      connectToSshd(sshd, {
        privateKey: stranger,
        retry: { deadline: Date.now() + 20_000, retryIntervalMs: 100, authRetries: 0 },
      }),
    );
    expect(error.code).toBe("SSH_AUTH_FAILED");
    expect(error.message).not.toContain(stranger);
  });

  it("retries a refused connection until the deadline, then fails", async () => {
    const port = await freePort();
    const started = Date.now();
    let retries = 0;
    const error = await guestFailure(
      connectToSshd(sshd, {
        port,
        retry: { deadline: started + 1_000, retryIntervalMs: 100 },
        onRetry: () => (retries += 1),
      }),
    );
    expect(error.code).toBe("SSH_CONNECT_FAILED");
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(retries).toBeGreaterThanOrEqual(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(850);
  });

  it("tells onClose listeners about a close we asked for", async () => {
    const other = await connectToSshd(sshd);
    const closed = new Promise<GuestError | null>((resolve) => other.onClose(resolve));
    await other.close();
    expect(await closed).toBeNull();
    expect(other.closed).toBe(true);
    expect((await guestFailure(other.exec("true"))).code).toBe("SSH_CONNECTION_LOST");
  });
});
