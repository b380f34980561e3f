import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { TestGuest } from "./helpers/boot-test-guest.js";
import { bootTestGuest, PASSWORD, USERNAME } from "./helpers/boot-test-guest.js";
import type { SshClient } from "./helpers/ssh-session.js";
import { connectSsh, exec, startExec } from "./helpers/ssh-session.js";

describe("startGuest: SSH faults from the sim config", () => {
  const guests: TestGuest[] = [];
  let client: SshClient | undefined;
  afterEach(async () => {
    client?.end();
    client = undefined;
    for (const guest of guests.splice(0)) await guest.dispose();
  });

  async function boot(simConfig: unknown, baseDir?: string): Promise<TestGuest> {
    const guest = await bootTestGuest({ simConfig, ...(baseDir === undefined ? {} : { baseDir }) });
    guests.push(guest);
    return guest;
  }

  it("sshRefuse: nothing listens, and `times` limits how many boots it hits", async () => {
    const first = await boot({ faults: { sshRefuse: { times: 1 } } });
    await expect(connectSsh(first.ip, first.port, USERNAME, PASSWORD)).rejects.toThrow(/ECONNREFUSED/);
    expect(first.log).toContain("sshd: not listening (fault sshRefuse)");
    // Powering off still works for a guest without SSH, and kills nothing else.
    await first.handle.close();

    const second = await boot(
      { faults: { sshRefuse: { times: 1 } } },
      path.dirname(path.dirname(first.vmDir)),
    );
    client = await connectSsh(second.ip, second.port, USERNAME, PASSWORD);
    expect((await exec(client, "echo up")).stdout).toBe("up\n");
  });

  it("sshRefuse with `match` only hits matching VM names", async () => {
    const guest = await boot({ faults: { sshRefuse: { match: "some-other-vm" } } });
    client = await connectSsh(guest.ip, guest.port, USERNAME, PASSWORD);
    expect((await exec(client, "echo up")).code).toBe(0);
  });

  it("sshAuthFail: the right password is rejected too", async () => {
    const guest = await boot({ faults: { sshAuthFail: {} } });
    await expect(connectSsh(guest.ip, guest.port, USERNAME, PASSWORD)).rejects.toThrow(
      /All configured authentication methods failed/,
    );
  });

  it("sshAuthEarly: the right password is rejected for forMs after boot, then accepted", async () => {
    const bootedAt = Date.now();
    const guest = await boot({ faults: { sshAuthEarly: { forMs: 4000 } } });
    await expect(connectSsh(guest.ip, guest.port, USERNAME, PASSWORD)).rejects.toThrow(
      /All configured authentication methods failed/,
    );
    expect(guest.log).toContain("sshd: refusing authentication early in boot (fault sshAuthEarly)");
    // Retried as a client should: accepted only once the window has passed (bounded).
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        client = await connectSsh(guest.ip, guest.port, USERNAME, PASSWORD);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    expect(Date.now() - bootedAt).toBeGreaterThanOrEqual(4000);
    expect((await exec(client, "echo up")).stdout).toBe("up\n");
  });

  it("sshAuthEarly with `times` only affects that many boots", async () => {
    const first = await boot({ faults: { sshAuthEarly: { forMs: 60_000, times: 1 } } });
    await expect(connectSsh(first.ip, first.port, USERNAME, PASSWORD)).rejects.toThrow(
      /All configured authentication methods failed/,
    );
    await first.handle.close();
    const second = await boot(
      { faults: { sshAuthEarly: { forMs: 60_000, times: 1 } } },
      path.dirname(path.dirname(first.vmDir)),
    );
    client = await connectSsh(second.ip, second.port, USERNAME, PASSWORD);
    expect((await exec(client, "echo up")).code).toBe(0);
  });

  it("sshDrop: the connection drops afterMs after a command starts", async () => {
    const guest = await boot({ faults: { sshDrop: { afterMs: 300 } } });
    const session = await connectSsh(guest.ip, guest.port, USERNAME, PASSWORD);
    client = session;
    const dropped = new Promise<number>((resolve) => session.once("close", () => resolve(Date.now())));
    await new Promise((resolve) => setTimeout(resolve, 400)); // an idle connection is not dropped
    const started = Date.now();
    await startExec(session, "sleep 30");
    const droppedAt = await dropped;
    expect(droppedAt - started).toBeGreaterThanOrEqual(250);
    expect(droppedAt - started).toBeLessThan(3_000);
    expect(guest.log.some((line) => line.includes("fault sshDrop"))).toBe(true);
  });
});
