/**
 * `tart exec` through the Tart adapter and the agent channel, against the simulated tart (which
 * follows Exec.swift): exit codes come back, stdin streams in with -i and never reaches argv,
 * output streams out as it comes, and a VM that is not running reads as an unreachable agent.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentGuestSession } from "../../../src/guest/agent-session.js";
import { isGuestError } from "../../../src/guest/guest-error.js";
import { waitForAgent } from "../../../src/guest/wait-for-agent.js";
import { systemClock } from "../../../src/clock.js";
import { Tart, type TartRun } from "../../../src/tart/tart.js";
import {
  IMAGE_WITH_RUNNER,
  simTartExecutable,
  startSimWorld,
  type SimWorld,
} from "../../../src/sim/world/sim-world.js";

let world: SimWorld;
let tart: Tart;
let run: TartRun;
const VM = "exec-vm";

beforeAll(async () => {
  world = await startSimWorld();
  tart = new Tart({
    executable: simTartExecutable,
    env: { PATH: process.env["PATH"] ?? "", TART_HOME: world.tartHome, CI: "1" },
  });
  await tart.clone(IMAGE_WITH_RUNNER, VM, { insecure: false });
  run = tart.run(VM, { noGraphics: true, logFile: path.join(world.root, `${VM}.log`) });
}, 60_000);
afterAll(async () => {
  await tart.stop(VM, { timeoutSeconds: 5 }).catch(() => undefined);
  await run.exited;
  await world.close();
});

describe("tart exec through the guest agent", () => {
  it("waits for the agent, then runs commands with their exit codes, stdin and streamed output", async () => {
    const session = await waitForAgent(VM, tart.exec.bind(tart), {
      deadline: Date.now() + 30_000,
      clock: systemClock,
      signal: new AbortController().signal,
    });
    const failed = await session.exec("echo out; echo err >&2; exit 7");
    expect(failed).toEqual({ exitCode: 7, signal: null, stdout: "out\n", stderr: "err\n" });

    const secret = "jit-config-not-for-argv-3f1c";
    const streamed: string[] = [];
    const echoed = await session.exec("IFS= read -r line; printf 'got %s\\n' \"${#line}\"; echo second", {
      stdin: `${secret}\n`,
      onStdout: (text) => streamed.push(text),
    });
    expect(echoed).toMatchObject({ exitCode: 0, stdout: `got ${secret.length}\nsecond\n` });
    expect(streamed.join("")).toBe(echoed.stdout);
    const invocations = readFileSync(path.join(world.simDir, "invocations.jsonl"), "utf8");
    expect(invocations).toContain(`"exec","-i","${VM}","/bin/sh","-c"`);
    expect(invocations).not.toContain(secret);
  }, 60_000);

  it("times a command out, and aborts one, with the guest error codes the lifecycle knows", async () => {
    const session = new AgentGuestSession(VM, tart.exec.bind(tart));
    const timedOut = await session.exec("sleep 30", { timeoutMs: 300 }).catch((error: unknown) => error);
    expect(isGuestError(timedOut, "SSH_COMMAND_TIMEOUT")).toBe(true);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("teardown")), 300);
    const aborted = await session
      .exec("sleep 30", { signal: controller.signal })
      .catch((error: unknown) => error);
    expect(isGuestError(aborted, "SSH_ABORTED")).toBe(true);
  }, 30_000);

  it("reads a VM that is not running as an unreachable agent", async () => {
    await tart.clone(IMAGE_WITH_RUNNER, "exec-stopped", { insecure: false });
    const result = await tart.exec("exec-stopped", ["true"]);
    expect(result).toMatchObject({ exitCode: 2, agentUnreachable: true });
    const lost = await new AgentGuestSession("exec-stopped", tart.exec.bind(tart))
      .exec("true")
      .catch((error: unknown) => error);
    expect(isGuestError(lost, "SSH_CONNECTION_LOST")).toBe(true);
    await tart.delete("exec-stopped");
  }, 30_000);
});
