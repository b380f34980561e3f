/**
 * `npm run sim:walkthrough`: one simulated VM driven by hand, step by step, with the same
 * adapters the daemon uses — pull → clone → set → run → ip → SSH in → the runner stand-in takes a
 * job from the fake GitHub → guest shutdown → delete. Prints each step; exits non-zero on failure.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { systemClock } from "../../clock.js";
import { GitHubClient } from "../../github/github-client.js";
import { followLogCommand, startRunnerCommand } from "../../guest/runner-commands.js";
import { connectGuest } from "../../guest/ssh-guest.js";
import { Tart } from "../../tart/tart.js";
import { IMAGE_WITH_RUNNER, SIM_ORG, simTartExecutable, startSimWorld } from "../world/sim-world.js";

const world = await startSimWorld({ sim: { delays: { pullMs: 500, bootMs: 300, sshReadyMs: 200 } } });
const started = Date.now();
const step = (text: string): void =>
  void process.stdout.write(`${((Date.now() - started) / 1000).toFixed(2).padStart(6)}s  ${text}\n`);
const name = "walkthrough-vm";
const logFile = path.join(world.root, `${name}.log`);
const tart = new Tart({
  executable: simTartExecutable,
  env: { PATH: process.env["PATH"] ?? "", TART_HOME: world.tartHome, CI: "1" },
  onCommand: ({ command, outcome, durationMs }) => step(`tart ${command}: ${outcome} in ${durationMs} ms`),
});
let exitCode = 0;
try {
  step(`simulated Mac in ${world.tartHome}; fake GitHub at ${world.github.url}`);
  await tart.pull(IMAGE_WITH_RUNNER, { insecure: false });
  await tart.clone(IMAGE_WITH_RUNNER, name, { insecure: false });
  await tart.set(name, { cpu: 4, memoryMiB: 8192, randomMac: true });
  const run = tart.run(name, { noGraphics: true, logFile });
  step(`tart run started (pid ${run.pid}); its output goes to ${logFile}`);
  const ip = await tart.ip(name, { waitSeconds: 30 });
  step(`tart ip → ${ip}`);
  const session = await connectGuest(
    {
      host: ip,
      port: world.sshPort,
      username: "admin",
      password: "admin",
      readyTimeoutMs: 5_000,
      keepaliveIntervalMs: 5_000,
      retry: { deadline: Date.now() + 30_000, retryIntervalMs: 200 },
    },
    { clock: systemClock },
  );
  step(`ssh admin@${ip}:${world.sshPort} (host key ${session.hostKeyFingerprint})`);
  const hello = await session.exec("whoami; pwd; ls actions-runner");
  for (const line of hello.stdout.trim().split("\n")) step(`  guest> ${line}`);

  const github = new GitHubClient({
    appId: String(world.github.appId),
    privateKeyPem: readFileSync(world.privateKeyPath, "utf8"),
    apiUrl: world.github.apiUrl,
    scope: { kind: "organization", org: SIM_ORG },
    clock: systemClock,
    userAgent: "tart-executor-walkthrough",
  });
  const labels = ["self-hosted", "tartelet", IMAGE_WITH_RUNNER];
  const jit = await github.generateJitConfig({ name, labels, runnerGroupId: 1, workFolder: "_work" });
  step(`generate-jitconfig → runner ${jit.runner.id} "${jit.runner.name}" (${jit.runner.status})`);
  const paths = {
    runnerDir: "~/actions-runner",
    logFile: "~/.tart-executor/runner.log",
    exitFile: "~/.tart-executor/runner.exit",
  };
  const startedRunner = await session.exec(startRunnerCommand({ ...paths, mode: { kind: "jit" } }), {
    stdin: `${jit.encodedJitConfig}\n`,
  });
  step(
    `runner started detached in the guest (pid ${startedRunner.stdout.trim()}); JIT config passed on stdin`,
  );
  const job = world.github.dispatcher.enqueueJob({
    repo: `${SIM_ORG}/app`,
    labels: ["tartelet", IMAGE_WITH_RUNNER],
    durationMs: 1000,
  });
  step(`fake GitHub: job ${job.id} queued with labels tartelet, ${IMAGE_WITH_RUNNER}`);
  await session.exec(followLogCommand(paths.logFile, paths.exitFile), {
    onStdout: (text) => {
      for (const line of text.split("\n")) if (line.trim() !== "") step(`  runner> ${line}`);
    },
    timeoutMs: 60_000,
  });
  const view = await job.settled(30_000);
  step(
    `fake GitHub: job ${view.id} ${view.status} (${view.conclusion}) on runner ${view.runner?.name ?? "?"}`,
  );
  const stopped = await run.exited;
  const lastLine = readFileSync(logFile, "utf8").trim().split("\n").at(-1);
  step(
    `tart run exited ${stopped.exitCode}: "${lastLine}" (the guest shut itself down after the runner's one job)`,
  );
  await session.close();
  await tart.delete(name);
  const left = await tart.listLocal();
  step(
    `tart list → ${left.length} local VMs; runners at the fake GitHub → ${world.github.runners(SIM_ORG).length}`,
  );
  if (left.length > 0 || world.github.runners(SIM_ORG).length > 0 || view.conclusion !== "success")
    exitCode = 1;
} catch (error) {
  exitCode = 1;
  step(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await world.close();
}
process.exit(exitCode);
