import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/clock.js";
import type { GuestError } from "../../../src/guest/guest-error.js";
import { connectGuest, type GuestConnectOptions } from "../../../src/guest/ssh-guest.js";
import { freePort } from "../../helpers/sshd.js";
import { guestFailure } from "./guest-failure.js";
import { FAKE_PASSWORD, FAKE_USER, startFakeSshServer, type FakeSshServer } from "./fake-ssh-server.js";

const servers: FakeSshServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function serve(options: Parameters<typeof startFakeSshServer>[0] = {}): Promise<FakeSshServer> {
  const server = await startFakeSshServer(options);
  servers.push(server);
  return server;
}

function connect(
  port: number,
  overrides: Partial<GuestConnectOptions> = {},
): ReturnType<typeof connectGuest> {
  const options: GuestConnectOptions = {
    host: "127.0.0.1",
    port,
    username: FAKE_USER,
    password: FAKE_PASSWORD,
    readyTimeoutMs: 2_000,
    keepaliveIntervalMs: 1_000,
    retry: { deadline: Date.now() + 10_000, retryIntervalMs: 100 },
    ...overrides,
  };
  return connectGuest(options, { clock: systemClock });
}

describe("ssh guest against ssh2's Server", () => {
  it("logs in with a password and runs a command", async () => {
    const server = await serve();
    const session = await connect(server.port);
    expect(await session.exec("uname -a")).toEqual({
      exitCode: 0,
      signal: null,
      stdout: "ran: uname -a\n",
      stderr: "",
    });
    await session.close();
  });

  it("retries a refused login with a growing pause until the deadline, then says authentication failed, without leaking the password", async () => {
    const server = await serve();
    const once = await guestFailure(
      connect(server.port, {
        password: "hunter2",
        retry: { deadline: Date.now() + 20_000, retryIntervalMs: 100, authRetries: 0 },
      }),
    );
    expect(once.code).toBe("SSH_AUTH_FAILED");
    expect(server.loginAttempts()).toBe(1);
    const started = Date.now();
    const error = await guestFailure(
      connect(server.port, {
        password: "hunter2",
        retry: { deadline: started + 2_500, retryIntervalMs: 100 },
      }),
    );
    expect(error.code).toBe("SSH_AUTH_FAILED");
    // Pauses of 0.5 s, 1 s, then the next (2 s) would pass the deadline: three logins, not a busy loop.
    expect(server.loginAttempts()).toBe(1 + 3);
    expect(error.message).toMatch(
      /^authentication failed: admin@127\.0\.0\.1:\d+ refused our credentials after 3 attempts/,
    );
    expect(`${error.message} ${String(error.cause)}`).not.toContain("hunter2");
  });

  it("says the connection was refused when nothing ever listened", async () => {
    const port = await freePort();
    const error = await guestFailure(
      connect(port, { retry: { deadline: Date.now() + 800, retryIntervalMs: 100 } }),
    );
    expect(error.code).toBe("SSH_CONNECT_FAILED");
    expect(error.message).toMatch(
      /^gave up on admin@127\.0\.0\.1:\d+ after \d+ attempts in \d+ s: connection refused/,
    );
  });

  it("gets past a guest that refuses the first logins after boot", async () => {
    const server = await serve({ refuseFirstLogins: 2 });
    const session = await connect(server.port);
    expect(server.loginAttempts()).toBe(3);
    await session.close();
  });

  it("reaches a guest whose sshd comes up late", async () => {
    const port = await freePort();
    let retries = 0;
    const late = new Promise<void>((resolve) => setTimeout(resolve, 600)).then(() => serve({ port }));
    const session = await connect(port, { onRetry: () => (retries += 1) });
    await late;
    expect(retries).toBeGreaterThan(0);
    await session.close();
  });

  it("rejects a running command with SSH_CONNECTION_LOST when the server drops", async () => {
    const server = await serve({
      onExec: (_command, channel, connection) => {
        channel.write("partial\n");
        setTimeout(() => connection.end(), 100);
      },
    });
    const session = await connect(server.port);
    const closed = new Promise<GuestError | null>((resolve) => session.onClose(resolve));
    const seen: string[] = [];
    const error = await guestFailure(session.exec("long job", { onStdout: (text) => seen.push(text) }));
    expect(error.code).toBe("SSH_CONNECTION_LOST");
    expect(seen).toEqual(["partial\n"]);
    expect((await closed)?.code).toBe("SSH_CONNECTION_LOST");
    expect(session.closed).toBe(true);
    expect((await guestFailure(session.exec("again"))).code).toBe("SSH_CONNECTION_LOST");
  });

  it("reports exit signals, and channels closed without any status", async () => {
    const server = await serve({
      onExec: (command, channel) => {
        if (command === "signal") channel.exit("KILL");
        channel.end();
      },
    });
    const session = await connect(server.port);
    expect(await session.exec("signal")).toMatchObject({ exitCode: null, signal: "SIGKILL" });
    expect(await session.exec("nothing")).toMatchObject({ exitCode: null, signal: null });
    await session.close();
  });

  it("rejects with SSH_STDIN_FAILED when the stdin stream fails", async () => {
    const server = await serve({ onExec: () => {} });
    const session = await connect(server.port);
    const stdin = new Readable({ read: () => stdin.destroy(new Error("disk gone")) });
    expect((await guestFailure(session.exec("cat", { stdin }))).code).toBe("SSH_STDIN_FAILED");
    await session.close();
  });

  it("stops retrying when aborted", async () => {
    const port = await freePort();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("shutting down")), 300);
    const started = Date.now();
    const error = await guestFailure(connect(port, { signal: controller.signal }));
    expect(error.code).toBe("SSH_ABORTED");
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("refuses an unusable private key without trying to connect", async () => {
    const error = await guestFailure(connect(await freePort(), { privateKey: "not a key" }));
    expect(error.code).toBe("SSH_CONFIG_INVALID");
    expect(error.message).not.toContain("not a key");
  });
});
