/**
 * macOS nohup: with the nohupNoConsole fault it fails before the utility runs ("can't detach from
 * console", exit 127), so a detached start still prints a pid and returns 0, the error is only in
 * the output file, and nothing runs. A HUP-ignoring subshell is unaffected.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { TestGuest } from "./helpers/boot-test-guest.js";
import { bootTestGuest, PASSWORD, USERNAME } from "./helpers/boot-test-guest.js";
import { guestCommandLines } from "./helpers/guest-processes.js";
import type { SshClient } from "./helpers/ssh-session.js";
import { connectSsh, exec } from "./helpers/ssh-session.js";
import { waitUntil } from "./helpers/temp-dir.js";

describe("the guest's nohup", () => {
  let guest: TestGuest | undefined;
  let client: SshClient | undefined;
  afterEach(async () => {
    client?.end();
    client = undefined;
    await guest?.dispose();
    guest = undefined;
  });

  it("without the fault, runs the utility detached with SIGHUP ignored", async () => {
    guest = await bootTestGuest();
    client = await connectSsh(guest.ip, guest.port, USERNAME, PASSWORD);
    const start = await exec(client, "nohup sleep 311 > out.log 2>&1 < /dev/null & echo $!");
    expect(start.code).toBe(0);
    const { vmName } = guest;
    await waitUntil(() => guestCommandLines(vmName).includes("sleep 311"), 3_000, "the nohup'd sleep");
    const sigIgn = await exec(client, `grep SigIgn /proc/${start.stdout.trim()}/status`);
    expect((BigInt(`0x${sigIgn.stdout.split(/\s+/)[1] ?? "0"}`) & 1n) === 1n).toBe(true); // SIGHUP (1)
    expect((await exec(client, "nohup")).stderr).toBe("usage: nohup [--] utility [arguments]\n");
    expect(await exec(client, "nohup no-such-tool")).toMatchObject({
      code: 127,
      stderr: "nohup: no-such-tool: No such file or directory\n",
    });
  });

  it("nohupNoConsole: the start prints a pid and returns 0, the error is only in the log, nothing runs", async () => {
    guest = await bootTestGuest({ simConfig: { faults: { nohupNoConsole: {} } } });
    client = await connectSsh(guest.ip, guest.port, USERNAME, PASSWORD);
    const start = await exec(client, "nohup sleep 312 > runner.log 2>&1 < /dev/null & echo $!");
    expect(start).toMatchObject({ code: 0, stderr: "" });
    expect(start.stdout).toMatch(/^\d+\n$/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(readFileSync(path.join(guest.home, "runner.log"), "utf8")).toBe(
      "nohup: can't detach from console: Inappropriate ioctl for device\n",
    );
    expect(guestCommandLines(guest.vmName)).not.toContain("sleep 312");
    expect((await exec(client, "nohup true")).code).toBe(127);

    // Detaching without nohup works in the same guest.
    await exec(client, "(trap '' HUP; exec sleep 313) > other.log 2>&1 < /dev/null &");
    const { vmName } = guest;
    await waitUntil(() => guestCommandLines(vmName).includes("sleep 313"), 3_000, "the subshell's sleep");
  });

  it("nohupNoConsole with `times` affects only that many boots", async () => {
    guest = await bootTestGuest({ simConfig: { faults: { nohupNoConsole: { times: 1 } } } });
    const base = path.dirname(path.dirname(guest.vmDir));
    client = await connectSsh(guest.ip, guest.port, USERNAME, PASSWORD);
    expect((await exec(client, "nohup true")).code).toBe(127);
    client.end();
    client = undefined;
    await guest.handle.close();
    const again = await bootTestGuest({ baseDir: base });
    try {
      const second = await connectSsh(again.ip, again.port, USERNAME, PASSWORD);
      expect((await exec(second, "nohup true")).code).toBe(0);
      second.end();
    } finally {
      await again.handle.close();
    }
  });
});
