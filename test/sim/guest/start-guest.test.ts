import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { TestGuest } from "./helpers/boot-test-guest.js";
import { bootTestGuest, PASSWORD, USERNAME } from "./helpers/boot-test-guest.js";
import type { SshClient } from "./helpers/ssh-session.js";
import { collect, connectSsh, exec, startExec } from "./helpers/ssh-session.js";
import { makeTempDir } from "./helpers/temp-dir.js";

describe("startGuest: SSH login and exec", () => {
  let guest: TestGuest | undefined;
  let client: SshClient | undefined;
  afterEach(async () => {
    client?.end();
    client = undefined;
    await guest?.dispose();
    guest = undefined;
  });

  async function login(): Promise<{ guest: TestGuest; client: SshClient }> {
    guest = await bootTestGuest();
    client = await connectSsh(guest.ip, guest.port, USERNAME, PASSWORD);
    return { guest, client };
  }

  it("accepts the image's password and rejects others", async () => {
    guest = await bootTestGuest();
    await expect(connectSsh(guest.ip, guest.port, USERNAME, "wrong")).rejects.toThrow(
      /All configured authentication methods failed/,
    );
    await expect(connectSsh(guest.ip, guest.port, "root", PASSWORD)).rejects.toThrow(
      /authentication methods failed/,
    );
    client = await connectSsh(guest.ip, guest.port, USERNAME, PASSWORD);
    expect((await exec(client, "whoami_is=$USER; echo $whoami_is")).stdout).toBe(`${USERNAME}\n`);
    expect(guest.log.some((line) => line.includes("Failed password for admin"))).toBe(true);
  });

  it("reports exit codes and keeps stdout and stderr apart", async () => {
    const { client } = await login();
    expect(await exec(client, "echo out; echo err >&2; exit 3")).toEqual({
      code: 3,
      signal: undefined,
      stdout: "out\n",
      stderr: "err\n",
    });
    expect((await exec(client, "true")).code).toBe(0);
    expect((await exec(client, "no-such-command")).code).toBe(127);
    expect((await exec(client, "kill -TERM $$")).signal).toBe("SIGTERM");
  });

  it("pipes stdin to the command", async () => {
    const { guest, client } = await login();
    const result = await exec(client, "cat > f && wc -c < f", "x".repeat(100_000));
    expect(result.stdout.trim()).toBe("100000");
    expect(readFileSync(path.join(guest.home, "f"), "utf8")).toHaveLength(100_000);
  });

  it("unpacks a real tarball streamed over stdin", async () => {
    const { guest, client } = await login();
    const source = makeTempDir();
    try {
      execFileSync(
        "sh",
        [
          "-c",
          "mkdir -p pkg/bin && printf '#!/bin/sh\\necho hello\\n' > pkg/bin/tool && chmod 755 pkg/bin/tool",
        ],
        {
          cwd: source.dir,
        },
      );
      const tarball = execFileSync("tar", ["-czf", "-", "-C", source.dir, "pkg"]);
      const result = await exec(client, "mkdir -p dir && tar -xzf - -C dir && ./dir/pkg/bin/tool", tarball);
      expect(result).toMatchObject({ code: 0, stdout: "hello\n" });
      expect(statSync(path.join(guest.home, "dir/pkg/bin/tool")).mode & 0o777).toBe(0o755);
    } finally {
      source.remove();
    }
  });

  it("runs commands in the guest home with sshd's environment and the guest markers", async () => {
    const { guest, client } = await login();
    const result = await exec(
      client,
      'pwd; echo "$HOME|$USER|$LOGNAME|$SHELL"; echo "$TART_SIM_GUEST|$TART_SIM_VM_PID|$TART_SIM_VM_DIR"; ' +
        'command -v sudo shutdown; echo "${CI:-unset}"',
    );
    const [pwd, identity, markers, sudo, shutdown, ci] = result.stdout.trim().split("\n");
    expect(pwd).toBe(guest.home);
    expect(identity).toBe(`${guest.home}|admin|admin|/bin/zsh`);
    expect(markers).toBe(`${guest.vmName}:${process.pid}|${process.pid}|${guest.vmDir}`);
    expect(sudo).toBe(path.join(guest.vmDir, "guest/usr/bin/sudo"));
    expect(shutdown).toBe(path.join(guest.vmDir, "guest/sbin/shutdown"));
    expect(ci).toBe("unset"); // nothing of the host's environment leaks in
  });

  it("accepts pty and env requests, applying only LANG and LC_* (sshd's AcceptEnv)", async () => {
    const { client } = await login();
    const channel = await startExec(client, 'echo "$LANG|$LC_ALL|${SECRET:-unset}"', {
      pty: true,
      env: { LANG: "de_DE.UTF-8", LC_ALL: "C", SECRET: "x" },
    });
    const result = await collect(channel);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("de_DE.UTF-8|C|unset\n");
  });

  it("forwards signal requests to the command and runs a shell from stdin", async () => {
    const { client } = await login();
    const channel = await startExec(
      client,
      "trap 'echo got TERM; exit 7' TERM; echo ready; while :; do sleep 0.05; done",
    );
    const done = collect(channel, false); // a closed input would keep ssh2 from sending the signal
    await new Promise<void>((resolve) => channel.once("data", () => resolve()));
    channel.signal("TERM");
    expect(await done).toMatchObject({ code: 7, stdout: "ready\ngot TERM\n" });

    const shell = await new Promise<Parameters<typeof collect>[0]>((resolve, reject) =>
      client.shell(false, (error, stream) => (error ? reject(error) : resolve(stream))),
    );
    expect(await collect(shell, "echo from-shell; exit 4\n")).toMatchObject({
      code: 4,
      stdout: "from-shell\n",
    });
  });

  it("keeps its host key on the disk across boots", async () => {
    const keys: string[] = [];
    const base = makeTempDir();
    try {
      for (let boot = 0; boot < 2; boot += 1) {
        const booted = await bootTestGuest({ baseDir: base.dir });
        const session = await connectSsh(booted.ip, booted.port, USERNAME, PASSWORD, (key) =>
          keys.push(key.toString("base64")),
        );
        session.end();
        await booted.dispose();
      }
      expect(keys).toHaveLength(2);
      expect(keys[0]).toBe(keys[1]);
      const keyFile = path.join(base.dir, "vms/vm-under-test/guest/etc/ssh_host_ed25519_key");
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    } finally {
      base.remove();
    }
  });
});
