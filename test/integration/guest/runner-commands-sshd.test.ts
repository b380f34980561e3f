import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkRunnerCommand,
  followLogCommand,
  installRunnerCommand,
  startRunnerCommand,
} from "../../../src/guest/runner-commands.js";
import type { GuestSession } from "../../../src/guest/ssh-guest.js";
import { startSshd, type RunningSshd } from "../../helpers/sshd.js";
import { connectToSshd } from "./connect-to-sshd.js";
import { buildFakeRunnerTarball } from "./fake-runner.js";

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe("runner commands executed by a real sshd", () => {
  let sshd: RunningSshd;
  let session: GuestSession;

  beforeAll(async () => {
    sshd = await startSshd();
    session = await connectToSshd(sshd);
    expect((await session.exec(checkRunnerCommand("~/actions-runner"))).stdout).toBe("absent\n");
    const tarball = Readable.from([buildFakeRunnerTarball()]);
    const install = await session.exec(installRunnerCommand("~/actions-runner"), { stdin: tarball });
    expect(install).toMatchObject({ exitCode: 0, stderr: "" });
    expect((await session.exec(checkRunnerCommand("~/actions-runner"))).stdout).toBe("present\n");
  });
  afterAll(async () => {
    await session?.close();
    await sshd?.stop();
  });

  it("starts a JIT runner that outlives the connection and never exposes the config", async () => {
    const jitConfig = randomBytes(1500).toString("base64");
    const paths = { runnerDir: "~/actions-runner", logFile: "~/state/jit.log", exitFile: "~/state/jit.exit" };
    const starter = await connectToSshd(sshd);
    const startedAt = Date.now();
    const started = await starter.exec(
      startRunnerCommand({ ...paths, mode: { kind: "jit" }, powerOff: false }),
      {
        stdin: `${jitConfig}\n`,
      },
    );
    expect(started).toMatchObject({ exitCode: 0, stderr: "" });
    // It waits for its one-second liveness check, not for the runner (which runs on after the close).
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    await starter.close();

    const pid = Number(started.stdout.trim());
    expect(() => process.kill(pid, 0)).not.toThrow();
    const processes = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });
    expect(processes).toContain("tart-executor-runner");
    expect(processes).not.toContain(jitConfig);

    const streamed: { text: string; at: number }[] = [];
    const onStdout = (text: string): number => streamed.push({ text, at: Date.now() });
    const follow = await session.exec(followLogCommand(paths.logFile, paths.exitFile), {
      onStdout,
      timeoutMs: 15_000,
    });
    const log = [
      "runner: args=0",
      `runner: jitconfig ${sha256(jitConfig)}`,
      "runner: token in env: none",
      "runner: done",
    ];
    expect(follow).toEqual({
      exitCode: 0,
      signal: null,
      stderr: "",
      stdout: `${log.join("\n")}\n__TART_EXECUTOR_RUNNER_EXIT__ 3\n`,
    });
    expect(streamed.map((chunk) => chunk.text).join("")).toBe(follow.stdout);
    expect(Date.now() - (streamed[0]?.at ?? Infinity)).toBeGreaterThan(500);

    for (const file of filesUnder(sshd.home)) expect(readFileSync(file, "utf8")).not.toContain(jitConfig);

    // Following again (say after a reconnect) is safe and can skip what was already received.
    expect((await session.exec(followLogCommand(paths.logFile, paths.exitFile))).stdout).toBe(follow.stdout);
    const fromByte = Buffer.byteLength(`${log.slice(0, 3).join("\n")}\n`);
    const rest = await session.exec(followLogCommand(paths.logFile, paths.exitFile, { fromByte }));
    expect(rest.stdout).toBe("runner: done\n__TART_EXECUTOR_RUNNER_EXIT__ 3\n");
  });

  it("registers with a token given on stdin, keeping it away from run.sh", async () => {
    const token = `AABF${randomBytes(12).toString("hex").toUpperCase()}`;
    const paths = {
      runnerDir: join(sshd.home, "actions-runner"),
      logFile: "~/reg.log",
      exitFile: "~/reg.exit",
    };
    const mode = {
      kind: "registration",
      url: "https://github.com/octo-org",
      name: "vm 'quoted' $(name)",
      labels: ["macos", "xcode 16"],
      runnerGroup: "Default",
      workFolder: "_work",
      disableUpdate: true,
    } as const;
    const started = await session.exec(startRunnerCommand({ ...paths, mode, powerOff: false }), {
      stdin: token,
    });
    expect(started.exitCode).toBe(0);
    const follow = await session.exec(followLogCommand(paths.logFile, paths.exitFile), { timeoutMs: 15_000 });
    const config = [
      "--unattended",
      "--ephemeral",
      "--replace",
      "--url",
      "https://github.com/octo-org",
      "--name",
      mode.name,
    ];
    const more = [
      "--labels",
      "macos,xcode 16",
      "--runnergroup",
      "Default",
      "--work",
      "_work",
      "--disableupdate",
    ];
    expect(follow.stdout).toBe(
      [...config, ...more, `--token ${sha256(token)}`].map((line) => `config: ${line}\n`).join("") +
        "runner: args=0\n" +
        `runner: jitconfig ${sha256("")}\n` +
        "runner: token in env: none\nrunner: done\n__TART_EXECUTOR_RUNNER_EXIT__ 3\n",
    );
  });
});
