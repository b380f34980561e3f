import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/clock.js";
import { GitHubClient } from "../../../src/github/github-client.js";
import {
  checkRunnerCommand,
  followLogCommand,
  startRunnerCommand,
} from "../../../src/guest/runner-commands.js";
import { connectGuest, type GuestSession } from "../../../src/guest/ssh-guest.js";
import { Tart, type TartRun } from "../../../src/tart/tart.js";
import {
  IMAGE_WITH_RUNNER,
  SIM_ORG,
  simTartExecutable,
  startSimWorld,
  type SimWorld,
} from "../../../src/sim/world/sim-world.js";

let world: SimWorld;
let tart: Tart;
let run: TartRun;
let session: GuestSession;
let ip: string;

beforeAll(async () => {
  world = await startSimWorld();
  tart = new Tart({
    executable: simTartExecutable,
    env: { PATH: process.env["PATH"] ?? "", TART_HOME: world.tartHome },
  });
  await tart.clone(IMAGE_WITH_RUNNER, "ssh-vm", { insecure: false });
  await tart.set("ssh-vm", { randomMac: true });
  run = tart.run("ssh-vm", { noGraphics: true, logFile: path.join(world.root, "ssh-vm.log") });
  ip = await tart.ip("ssh-vm", { waitSeconds: 20 });
  session = await connectGuest(
    {
      host: ip,
      port: world.sshPort,
      username: "admin",
      password: "admin",
      readyTimeoutMs: 5000,
      keepaliveIntervalMs: 5000,
      retry: { deadline: Date.now() + 20_000, retryIntervalMs: 100 },
    },
    { clock: systemClock },
  );
});
afterAll(async () => {
  await session.close();
  await world.close();
});

describe("SSH adapter and runner commands on a simulated VM", () => {
  it("logs in with the image's password and runs commands in the guest's home", async () => {
    const result = await session.exec('printf "%s" "$HOME"; echo; exit 3');
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain(path.join("vms", "ssh-vm", "guest", "Users", "admin"));
  });

  it("rejects a wrong password without retrying until the deadline", async () => {
    const started = Date.now();
    await expect(
      connectGuest(
        {
          host: ip,
          port: world.sshPort,
          username: "admin",
          password: "wrong",
          readyTimeoutMs: 5000,
          keepaliveIntervalMs: 5000,
          retry: { deadline: Date.now() + 60_000, retryIntervalMs: 100, authRetries: 0 },
        },
        { clock: systemClock },
      ),
    ).rejects.toMatchObject({ code: "SSH_AUTH_FAILED" });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("starts the image's runner with a JIT config; it takes a job from GitHub and the guest powers off", async () => {
    expect((await session.exec(checkRunnerCommand("~/actions-runner"))).stdout.trim()).toBe("present");
    const github = new GitHubClient({
      appId: String(world.github.appId),
      privateKeyPem: readFileSync(world.privateKeyPath, "utf8"),
      apiUrl: world.github.apiUrl,
      scope: { kind: "organization", org: SIM_ORG },
      clock: systemClock,
      userAgent: "tests",
    });
    const jit = await github.generateJitConfig({
      name: "ssh-vm",
      labels: ["self-hosted", "tartelet", IMAGE_WITH_RUNNER],
      runnerGroupId: 1,
      workFolder: "_work",
    });
    const paths = {
      runnerDir: "~/actions-runner",
      logFile: "~/.te/runner.log",
      exitFile: "~/.te/runner.exit",
    };
    const start = await session.exec(startRunnerCommand({ ...paths, mode: { kind: "jit" } }), {
      stdin: `${jit.encodedJitConfig}\n`,
    });
    expect(start.exitCode).toBe(0);
    const job = world.github.dispatcher.enqueueJob({
      repo: `${SIM_ORG}/app`,
      labels: ["tartelet", IMAGE_WITH_RUNNER],
      durationMs: 300,
    });
    let log = "";
    await session.exec(followLogCommand(paths.logFile, paths.exitFile), {
      onStdout: (text) => (log += text),
      timeoutMs: 30_000,
    });
    expect(log).toMatch(/Listening for Jobs[\s\S]*Running job: build[\s\S]*completed with result: Succeeded/);
    expect(log).toMatch(/__TART_EXECUTOR_RUNNER_EXIT__ 0\n$/);
    expect(log).not.toContain(jit.encodedJitConfig);
    expect((await job.settled(10_000)).runner?.name).toBe("ssh-vm");
    expect(await run.exited).toEqual({ exitCode: 0, signal: null });
    expect(readFileSync(path.join(world.root, "ssh-vm.log"), "utf8")).toContain(
      "guest has stopped the virtual machine",
    );
    expect(world.github.runners(SIM_ORG)).toEqual([]);
  });
});
