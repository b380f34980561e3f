/**
 * `tart exec` as tart's Exec.swift and tart-guest-agent's exec.go do it: exit codes, streams,
 * stdin with -i, the agent's launchd environment, and the failures (not running, no agent,
 * command not found, VM gone).
 */
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { findProcessesWithEnv } from "../../../src/sim/guest/kill-guest-processes.js";
import { assertBuilt, createSimHome, seedVm, waitFor } from "./tart-harness.js";
import type { SimHome, TartProcess } from "./tart-harness.js";

let sim: SimHome;
let run: TartProcess | undefined;

beforeAll(assertBuilt);
afterEach(async () => {
  run?.signal("SIGINT");
  await run?.result();
  run = undefined;
  await sim.cleanup();
});

const NO_AGENT =
  /^Failed to connect to the VM using its control socket: .+, is the Tart Guest Agent running\?\n$/;

/** Command lines of the live processes of the VM's guest (found by its TART_SIM_VM_DIR). */
function guestCommandLines(): string[] {
  return findProcessesWithEnv(`TART_SIM_VM_DIR=${path.join(sim.home, "vms", "vm")}`).flatMap((pid) => {
    try {
      return [readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim()];
    } catch {
      return [];
    }
  });
}

async function boot(
  guest: Record<string, unknown> = {},
  config: Record<string, unknown> = {},
): Promise<void> {
  sim = createSimHome(config);
  seedVm(sim.home, "vm", { guest });
  run = sim.start(["run", "vm", "--no-graphics"]);
  await run.waitForStdout("sshd: listening");
}

describe("tart exec", () => {
  it("streams stdout and stderr apart and propagates the exit code; without -i stdin is empty", async () => {
    await boot();
    expect(await sim.tart(["exec", "vm", "sh", "-c", "pwd; echo oops >&2; exit 7"])).toMatchObject({
      code: 7,
      stdout: `${path.join(sim.home, "vms/vm/guest/Users/admin")}\n`,
      stderr: "oops\n",
    });
    expect(await sim.tart(["exec", "vm", "cat"], { input: "ignored\n" })).toMatchObject({
      code: 0,
      stdout: "",
    });
  });

  it("-i streams our stdin to the command and closes it at EOF", async () => {
    await boot();
    expect(
      await sim.tart(["exec", "-i", "vm", "sh", "-c", "cat; echo done; exit 3"], {
        input: "line 1\nline 2\n",
      }),
    ).toMatchObject({ code: 3, stdout: "line 1\nline 2\ndone\n" });
  });

  it("a command killed by a signal makes tart exit 255 (the agent reports -1)", async () => {
    await boot();
    expect((await sim.tart(["exec", "vm", "sh", "-c", "kill -9 $$"])).code).toBe(255);
  });

  it("runs with the agent's launchd environment: its plist's PATH (with Homebrew), no LANG, no login profile", async () => {
    await boot();
    const guestRoot = path.join(sim.home, "vms/vm/guest");
    const r = await sim.tart([
      "exec",
      "vm",
      "sh",
      "-c",
      'echo "$PATH"; echo "${LANG-unset}|$TERM"; command -v brew',
    ]);
    expect(r.stdout.split("\n")).toEqual([
      ["/bin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/opt/homebrew/bin"]
        .map((dir) => path.join(guestRoot, dir))
        .join(":"),
      "unset|xterm-256color",
      path.join(guestRoot, "opt/homebrew/bin/brew"),
      "",
    ]);
    // brew is found, but CocoaPods still lacks a UTF-8 locale.
    const pod = await sim.tart(["exec", "vm", "pod", "install"]);
    expect(pod.code).toBe(1);
    expect(pod.stderr).toContain("Unicode Normalization not appropriate for ASCII-8BIT");
    // A login zsh named by its macOS path reads the profiles.
    const login = await sim.tart([
      "exec",
      "vm",
      "/bin/zsh",
      "-l",
      "-c",
      "echo $LANG; pod install >/dev/null && echo ok",
    ]);
    expect(login).toMatchObject({ code: 0, stdout: "en_US.UTF-8\nok\n" });
  });

  it("an unknown command is the agent's error (exit 1); so is a guest path that does not exist", async () => {
    await boot();
    expect(await sim.tart(["exec", "vm", "no-such-tool"])).toMatchObject({
      code: 1,
      stderr: 'Error: unknown (2): exec: "no-such-tool": executable file not found in $PATH\n',
    });
    expect(await sim.tart(["exec", "vm", "/usr/local/bin/nope"])).toMatchObject({
      code: 1,
      stderr: "Error: unknown (2): fork/exec /usr/local/bin/nope: no such file or directory\n",
    });
  });

  it("fails with exit 2 when the VM is not running, and exit 2 when it does not exist", async () => {
    sim = createSimHome();
    seedVm(sim.home, "vm");
    expect(await sim.tart(["exec", "vm", "true"])).toMatchObject({
      code: 2,
      stderr: 'VM "vm" is not running\n',
    });
    expect(await sim.tart(["exec", "ghost", "true"])).toMatchObject({
      code: 2,
      stderr: 'the specified VM "ghost" does not exist\n',
    });
  });

  it("an image without the agent: waits out the agent wait, then fails (exit 1)", async () => {
    await boot({ hasAgent: false }, { delays: { agentWaitMs: 600 } });
    const started = Date.now();
    const r = await sim.tart(["exec", "vm", "true"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(NO_AGENT);
    expect((await sim.tart(["ip", "vm", "--resolver", "agent"])).code).toBe(1);
  });

  it("a VM still booting: exec succeeds once the agent comes up within the wait", async () => {
    sim = createSimHome({ delays: { bootMs: 800, agentWaitMs: 10_000 } });
    seedVm(sim.home, "vm");
    run = sim.start(["run", "vm", "--no-graphics"]);
    await waitFor(
      async () => JSON.parse((await sim.tart(["get", "vm", "--format", "json"])).stdout).State === "running",
    );
    expect(await sim.tart(["exec", "vm", "echo", "up"])).toMatchObject({ code: 0, stdout: "up\n" });
  });

  it("killing tart exec kills the command in the guest (the agent's CommandContext)", async () => {
    await boot();
    const exec = sim.start(["exec", "vm", "sleep", "321"]);
    await waitFor(() => guestCommandLines().includes("sleep 321"));
    exec.signal("SIGKILL");
    await exec.result();
    await waitFor(() => !guestCommandLines().includes("sleep 321"), 5_000);
  });
});
