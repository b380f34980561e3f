import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { TestGuest } from "./helpers/boot-test-guest.js";
import { bootTestGuest, PASSWORD, USERNAME } from "./helpers/boot-test-guest.js";
import { guestCommandLines } from "./helpers/guest-processes.js";
import type { SshClient } from "./helpers/ssh-session.js";
import { connectSsh, exec, startExec } from "./helpers/ssh-session.js";
import { waitUntil } from "./helpers/temp-dir.js";

describe("startGuest: sessions, power-off and power loss", () => {
  let guest: TestGuest | undefined;
  let client: SshClient | undefined;
  afterEach(async () => {
    client?.end();
    await guest?.dispose();
    guest = undefined;
    client = undefined;
  });

  it("`sudo shutdown -h now` powers the guest off exactly once, after delays.shutdownMs", async () => {
    guest = await bootTestGuest({ simConfig: { delays: { shutdownMs: 150 } } });
    client = await connectSsh(guest.ip, guest.port, USERNAME, PASSWORD);
    const refused = await exec(client, "shutdown -h now");
    expect(refused).toMatchObject({ code: 1, stderr: "shutdown: NOT super-user\n" });
    expect((await exec(client, "sudo shutdown -r now")).code).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(guest.powerOffs).toEqual([]);

    const started = Date.now();
    const shutdown = await startExec(client, "sudo -n shutdown -h now");
    let output = "";
    shutdown.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const marker = path.join(guest.vmDir, ".sim-poweroff");
    await waitUntil(() => existsSync(marker), 3_000, "the power-off request");
    await startExec(client, "sudo halt"); // a second request while going down changes nothing
    const { powerOffs } = guest;
    await waitUntil(() => powerOffs.length > 0, 3_000, "onPowerOff");
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(powerOffs).toEqual(["shutdown -h now (by admin)"]);
    expect(output).toContain("Shutdown NOW!");
  });

  it("a lost session hangs up foreground commands, but nohup'd ones survive until power loss", async () => {
    guest = await bootTestGuest();
    const { vmName } = guest;
    client = await connectSsh(guest.ip, guest.port, USERNAME, PASSWORD);
    const channel = await startExec(
      client,
      // macOS has no setsid: a subshell that ignores HUP is the other way to survive.
      "nohup sleep 302 >/dev/null 2>&1 & (trap '' HUP; exec sleep 303) >/dev/null 2>&1 < /dev/null & echo started; sleep 301",
    );
    await new Promise<void>((resolve) => channel.once("data", () => resolve()));
    await waitUntil(() => guestCommandLines(vmName).includes("sleep 303"), 3_000, "the HUP-ignoring sleep");
    expect(guestCommandLines(vmName)).toEqual(
      expect.arrayContaining(["sleep 301", "sleep 302", "sleep 303"]),
    );

    client.end();
    client = undefined;
    await waitUntil(
      () => !guestCommandLines(vmName).includes("sleep 301"),
      3_000,
      "the foreground sleep to die",
    );
    expect(guestCommandLines(vmName)).toEqual(expect.arrayContaining(["sleep 302", "sleep 303"]));

    await guest.handle.close();
    expect(guestCommandLines(vmName)).toEqual([]);
  });

  it("close() stops the SSH server and kills every guest process", async () => {
    guest = await bootTestGuest();
    const { vmName, ip, port } = guest;
    client = await connectSsh(ip, port, USERNAME, PASSWORD);
    const session = client;
    const connectionLost = new Promise<void>((resolve) => session.once("close", () => resolve()));
    await startExec(client, "sleep 304");
    await exec(client, "nohup sh -c 'while :; do sleep 1; done' >/dev/null 2>&1 &");
    await waitUntil(() => guestCommandLines(vmName).length >= 2, 3_000, "guest processes");

    await guest.handle.close();
    await guest.handle.close(); // idempotent
    expect(guestCommandLines(vmName)).toEqual([]);
    await connectionLost;
    await expect(connectSsh(ip, port, USERNAME, PASSWORD)).rejects.toThrow(/ECONNREFUSED/);
  });

  it("a new boot ignores a power-off marker left on the disk", async () => {
    guest = await bootTestGuest();
    client = await connectSsh(guest.ip, guest.port, USERNAME, PASSWORD);
    await startExec(client, "sudo halt");
    const { powerOffs } = guest;
    await waitUntil(() => powerOffs.length === 1, 3_000, "onPowerOff");
    expect(existsSync(path.join(guest.vmDir, ".sim-poweroff"))).toBe(true);
    const base = path.dirname(path.dirname(guest.vmDir));
    client.end();
    client = undefined;
    await guest.handle.close();

    const again = await bootTestGuest({ baseDir: base });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(again.powerOffs).toEqual([]);
    } finally {
      await again.handle.close();
    }
  });
});
