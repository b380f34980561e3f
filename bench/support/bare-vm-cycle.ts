/**
 * The baseline of bench/queued-to-online.ts: one simulated VM's bare life, issued directly through
 * the adapters (Tart, connectGuest, GitHubClient) with no executor around them — the cost of the
 * simulation itself. The commands of the executor's SSH channel (src/executor/vm-prepare.ts,
 * vm-boot.ts, runner-bootstrap.ts, vm-teardown.ts), except that the MAC is random rather than the
 * VM slot's (each cycle leases one address of the simulated /24: fine for the at most 160 cycles):
 *   clone, set --random-mac                        (a JIT config is requested meanwhile, as the executor does)
 *   run, ip --wait, SSH connect
 *   start the runner stand-in with the JIT config  → online once its listener session is open at the fake GitHub
 *   guest power-off, wait for `tart run` to exit, delete, delete the runner registration
 * The runner gets its own label, so it never takes a job meant for the executor's runners.
 */
import path from "node:path";
import { systemClock } from "../../src/clock.js";
import type { GitHubClient } from "../../src/github/github-client.js";
import { shutdownCommand } from "../../src/guest/shutdown-command.js";
import { connectGuest } from "../../src/guest/ssh-guest.js";
import { startRunnerCommand } from "../../src/guest/start-runner-command.js";
import type { Tart } from "../../src/tart/tart.js";

export interface BareCycleTimes {
  readonly name: string;
  /** When the cycle began (ms since the epoch). */
  readonly startedAt: number;
  /** clone + set: what the executor's `cloned` step waits for. */
  readonly cloneMs: number;
  /** run → IP → SSH session: what its `booted` step waits for. */
  readonly bootMs: number;
  /** start the runner → its listener session is open at GitHub: what `runner online` waits for. */
  readonly runnerMs: number;
  /** clone start → runner online. */
  readonly toOnlineMs: number;
  /** guest power-off → `tart run` exited → VM deleted → runner registration deleted. */
  readonly deleteMs: number;
}

export interface BareCycleDeps {
  readonly tart: Tart;
  readonly github: Pick<GitHubClient, "generateJitConfig" | "runnerGroupId" | "deleteRunner">;
  /** Resolves once the fake GitHub shows a listener session for the runner `name`. */
  readonly runnerOnline: (name: string) => Promise<unknown>;
  readonly image: string;
  readonly sshPort: number;
  readonly logDir: string;
}

export const BARE_RUNNER_LABELS = ["self-hosted", "bench-bare"];

const GUEST = {
  runnerDir: "~/actions-runner",
  logFile: "~/.tart-executor/runner.log",
  exitFile: "~/.tart-executor/runner.exit",
};

export async function bareVmCycle(name: string, deps: BareCycleDeps): Promise<BareCycleTimes> {
  const { tart, github } = deps;
  const started = Date.now();
  await tart.clone(deps.image, name, { insecure: false, timeoutMs: 60_000 });
  await tart.set(name, { cpu: null, memoryMiB: null, randomMac: true });
  const cloned = Date.now();
  const jit = github
    .runnerGroupId(null)
    .then((runnerGroupId) =>
      github.generateJitConfig({ name, labels: BARE_RUNNER_LABELS, runnerGroupId, workFolder: "_work" }),
    );
  jit.catch(() => undefined);
  const run = tart.run(name, { noGraphics: true, logFile: path.join(deps.logDir, `${name}.log`) });
  let runnerId: number | null = null;
  try {
    const ip = await tart.ip(name, { waitSeconds: 60 });
    const session = await connectGuest(
      {
        host: ip,
        port: deps.sshPort,
        username: "admin",
        password: "admin",
        readyTimeoutMs: 10_000,
        keepaliveIntervalMs: 10_000,
        retry: { deadline: Date.now() + 60_000, retryIntervalMs: 1_000 },
      },
      { clock: systemClock },
    );
    const booted = Date.now();
    const registration = await jit;
    runnerId = registration.runner.id;
    const start = await session.exec(startRunnerCommand({ ...GUEST, mode: { kind: "jit" } }), {
      stdin: `${registration.encodedJitConfig}\n`,
      timeoutMs: 60_000,
    });
    if (start.exitCode !== 0) throw new Error(`${name}: starting the runner failed: ${start.stderr}`);
    await deps.runnerOnline(name);
    const online = Date.now();
    await session.exec(shutdownCommand(), { timeoutMs: 5_000 }).catch(() => undefined);
    const stopped = await Promise.race([
      run.exited.then(() => true),
      systemClock.sleep(15_000).then(() => false),
    ]);
    if (!stopped) throw new Error(`${name}: tart run did not exit within 15 s of the guest power-off`);
    await session.close();
    await tart.delete(name);
    await github.deleteRunner(runnerId);
    const deleted = Date.now();
    return {
      name,
      startedAt: started,
      cloneMs: cloned - started,
      bootMs: booted - cloned,
      runnerMs: online - booted,
      toOnlineMs: online - started,
      deleteMs: deleted - online,
    };
  } catch (error) {
    run.kill();
    await tart.delete(name).catch(() => undefined);
    if (runnerId !== null) await github.deleteRunner(runnerId).catch(() => undefined);
    throw error;
  }
}
