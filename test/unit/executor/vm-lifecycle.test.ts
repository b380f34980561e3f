/**
 * One VM's life through the effects shell (runVmLifecycle) with in-memory ports: prepareVm,
 * waitForGuest, the runner's start and followRunner as the shell drives them, and what a user sees
 * (ledger events, logs, metrics, what is left behind).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { systemClock } from "../../../src/clock.js";
import type { LedgerEvent, VmSpec } from "../../../src/executor/model.js";
import { runVmLifecycle, type ServedJob } from "../../../src/executor/vm-lifecycle.js";
import { TeardownRequest, type VmSettings } from "../../../src/executor/vm-settings.js";
import { createLogger } from "../../../src/observability/logger.js";
import { FakeGitHub } from "./fakes/fake-github.js";
import { FakeGuest } from "./fakes/fake-guest.js";
import { FakeTart } from "./fakes/fake-tart.js";

const WITH_RUNNER = "ghcr.io/cirruslabs/macos-sequoia-xcode:latest";
const BARE = "ghcr.io/cirruslabs/macos-sequoia-vanilla:latest";
const VM = "tart-executor-mini-1-abcd1234";
const TARBALL = Buffer.from("runner tarball bytes");

interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

function setup(options: { image?: string; settings?: Partial<VmSettings["timeouts"]> } = {}) {
  const tart = new FakeTart({ [WITH_RUNNER]: { hasRunner: true }, [BARE]: { hasRunner: false } });
  const github = new FakeGitHub();
  const guest = new FakeGuest(tart);
  const events: LedgerEvent[] = [];
  const metrics: string[] = [];
  const counts: string[] = [];
  const lines: LogLine[] = [];
  const registration: { mode: "jit" | "token" } = { mode: "jit" };
  let served: ServedJob | null = null;
  const vmLogDir = mkdtempSync(path.join(tmpdir(), "vm-lifecycle-"));
  const settings: VmSettings = {
    pullPolicy: "if-not-present",
    insecure: () => false,
    registryEnv: {},
    noGraphics: true,
    netBridged: null,
    dirs: [],
    runnerGroup: null,
    disableUpdates: true,
    workFolder: "_work",
    guestRunnerDir: "actions-runner",
    vmLogDir,
    timeouts: {
      pullMs: 60_000,
      cloneMs: 60_000,
      bootMs: 10_000,
      runnerOnlineMs: 60_000,
      teardownMs: 10_000,
      ...options.settings,
    },
  };
  const log = createLogger({
    level: "debug",
    pretty: false,
    destination: new Writable({
      write: (chunk, _encoding, done) => {
        lines.push(JSON.parse(String(chunk)) as LogLine);
        done();
      },
    }),
  });
  const controller = new AbortController();
  const spec: VmSpec = { image: options.image ?? WITH_RUNNER, cpu: 4, memoryMiB: 8192, labels: ["tartelet"] };
  const start = () =>
    runVmLifecycle(
      { name: VM, spec, forJob: "acme/app#1#1", signal: controller.signal },
      {
        tart,
        github,
        guest,
        runnerTarball: () => Promise.resolve(TARBALL),
        clock: systemClock,
        log,
        settings,
        registration,
        emit: (event) => events.push(event),
        observe: (phase) => metrics.push(phase),
        countVm: (outcome) => counts.push(outcome),
        isOwnVm: (name) => name.startsWith("tart-executor-mini-1-"),
        jobServedBy: () => served,
      },
    );
  const ledger = () =>
    events.map((event) =>
      event.type === "vm-phase"
        ? event.phase
        : event.type === "vm-failed"
          ? `failed: ${event.reason}`
          : event.type,
    );
  const messages = () => lines.map((line) => line.msg);
  return {
    tart,
    github,
    guest,
    events,
    metrics,
    counts,
    lines,
    registration,
    controller,
    start,
    ledger,
    messages,
    vmLog: () => readFileSync(path.join(vmLogDir, `${VM}.log`), "utf8"),
    setServed: (job: ServedJob | null) => (served = job),
  };
}

/** Resolves once `check` holds (polled; bounded). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 5) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("one VM's life through the effects shell", () => {
  it("serves a job: prepares, boots, starts the runner with its JIT config, follows it, and leaves nothing behind", async () => {
    const world = setup();
    world.guest.onRunnerStart = (_vm, runner) => {
      runner.online();
      runner.takeJob("build");
      runner.exit(0);
    };
    await world.start();
    expect(world.ledger()).toEqual(["booting", "provisioning", "idle", "busy", "tearing-down"]);
    const idle = world.events.find((event) => event.type === "vm-phase" && event.phase === "idle");
    expect(idle).toMatchObject({ runnerId: 1 });
    expect(world.tart.calls.filter((call) => !call.startsWith("ip ") && !call.startsWith("list"))).toEqual([
      `clone ${WITH_RUNNER} ${VM}`,
      `set ${VM}`,
      `run ${VM}`,
      `delete ${VM}`,
    ]);
    // The JIT config went to the runner on stdin, never to tart.
    expect(world.guest.runner(VM).stdin).toBe(`${world.github.secrets[0]}\n`);
    expect(world.tart.calls.join(" ")).not.toContain(world.github.secrets[0]);
    expect(world.tart.vms.size).toBe(0);
    expect(world.github.runners.size).toBe(0);
    expect(world.metrics).toEqual([
      "clone",
      "boot_to_ip",
      "ssh_ready",
      "runner_online",
      "job_start",
      "job_run",
      "teardown",
    ]);
    expect(world.counts).toEqual(["completed"]);
    expect(world.messages()).toEqual(
      expect.arrayContaining(["runner online", "runner took a job", "runner finished", "vm deleted"]),
    );
    expect(world.vmLog()).toContain("runner| 2026-12-06 09:00:01Z: Running job: build");
  });

  it("copies the cached runner into an image without one", async () => {
    const world = setup({ image: BARE });
    world.guest.onRunnerStart = (_vm, runner) => {
      runner.online();
      runner.takeJob();
      runner.exit(0);
    };
    await world.start();
    expect(world.guest.installed.has(VM)).toBe(true);
    expect(world.messages()).toContain("copied the cached runner into the guest");
    expect(world.counts).toEqual(["completed"]);
  });

  it("a clone that fails once is tried again", async () => {
    const world = setup();
    world.tart.failNext("clone", 1, "Error: the tag moved");
    world.guest.onRunnerStart = (_vm, runner) => {
      runner.online();
      runner.takeJob();
      runner.exit(0);
    };
    await world.start();
    expect(world.counts).toEqual(["completed"]);
  });

  it("a clone that fails twice fails the VM with tart's words, and nothing is left", async () => {
    const world = setup();
    world.tart.failNext("clone", 1, "Error: disk full", 2);
    await world.start();
    expect(world.tart.calls.filter((call) => call.startsWith("clone"))).toHaveLength(2);
    expect(world.ledger()).toEqual(["tearing-down", "failed: tart clone exited 1: Error: disk full"]);
    expect(world.counts).toEqual(["failed"]);
    expect(world.tart.vms.size).toBe(0);
  });

  it("macOS's VM limit: the failure names the VMs that hold the slots", async () => {
    const world = setup();
    for (const other of ["someone-else-1", "someone-else-2"]) {
      await world.tart.clone(WITH_RUNNER, other, { insecure: false });
      world.tart.run(other, { noGraphics: true, logFile: path.join(tmpdir(), `${other}.log`) });
    }
    await world.start();
    const failed = world.events.find((event) => event.type === "vm-failed");
    expect(failed?.type === "vm-failed" ? failed.reason : "").toMatch(
      /exceeds the system limit — macOS's 2 VM slots are taken, 2 of them by VMs this executor did not start \(someone-else-1, someone-else-2\)/,
    );
    // The diagnosis comes before the VM leaves its phase.
    expect(world.ledger().slice(-2)).toEqual(["tearing-down", expect.stringMatching(/^failed: /)]);
    expect(world.tart.vms.has(VM)).toBe(false);
  });

  it("a runner that never comes online: the VM fails at the deadline, and its registration is removed", async () => {
    const world = setup({ settings: { runnerOnlineMs: 200 } });
    await world.start();
    expect(world.ledger()).toEqual([
      "booting",
      "provisioning",
      "tearing-down",
      "failed: runner did not come online within 0 s",
    ]);
    expect(world.github.runners.size).toBe(0);
    expect(world.tart.vms.size).toBe(0);
  });

  it("a runner that exits without taking a job fails the VM, naming the VM's log", async () => {
    const world = setup();
    world.guest.onRunnerStart = (_vm, runner) => {
      runner.online();
      runner.exit(1);
    };
    await world.start();
    const failed = world.events.find((event) => event.type === "vm-failed");
    expect(failed?.type === "vm-failed" ? failed.reason : "").toMatch(
      /^runner exited without taking a job \(exit 1\); see .*tart-executor-mini-1-abcd1234\.log$/,
    );
  });

  it("the VM stops under a running job: a lost-job warning, the VM counted failed but no attempt", async () => {
    const world = setup();
    world.guest.onRunnerStart = (vm, runner) => {
      runner.online();
      runner.takeJob();
      setTimeout(() => world.tart.powerOff(vm, "kernel panic"), 20);
    };
    await world.start();
    expect(world.events.some((event) => event.type === "vm-failed")).toBe(false);
    const warning = world.lines.find((line) => line.level === "warn");
    expect(warning?.msg).toMatch(/runner lost/);
    expect(warning?.["job"]).toBe("acme/app#1#1");
    expect(world.counts).toEqual(["failed"]);
  });

  it("GitHub said the runner took a job before its log did, then the VM stopped: a lost job, not a failed start", async () => {
    const world = setup();
    world.guest.onRunnerStart = (vm) => {
      world.setServed({
        key: "acme/app#2#1",
        htmlUrl: "https://github.com/acme/app/job/2",
        completed: false,
        tookJob: true,
      });
      setTimeout(() => world.tart.powerOff(vm), 20);
    };
    await world.start();
    expect(world.events.some((event) => event.type === "vm-failed")).toBe(false);
    expect(world.messages()).toContain("vm ended before its runner's log showed the job it took");
    expect(world.lines.find((line) => line.level === "warn")?.["job"]).toBe("acme/app#2#1");
  });

  it("a log stream that drops is followed again from where it stopped", async () => {
    const world = setup();
    let connections = 0;
    const connect = world.guest.connect.bind(world.guest);
    world.guest.connect = (target) => {
      connections += 1;
      return connect(target);
    };
    world.guest.onRunnerStart = (_vm, runner) => {
      runner.online();
    };
    const life = world.start();
    await until(() => world.messages().includes("runner online"), "the runner online");
    expect(connections).toBe(1);
    world.guest.dropConnections();
    await until(() => connections === 2, "a reconnection");
    world.guest.runner(VM).takeJob("after the drop");
    world.guest.runner(VM).exit(0);
    await life;
    expect(world.vmLog().match(/Listening for Jobs/g)).toHaveLength(1);
    expect(world.vmLog()).toContain("Running job: after the drop");
    // The teardown shuts the guest down over the new session, not the dropped one.
    expect(world.tart.calls).not.toContain(`stop ${VM}`);
    expect(world.counts).toEqual(["completed"]);
  });

  it("without a JIT endpoint: a registration token on stdin, and the runner is found by name at teardown", async () => {
    const world = setup();
    world.github.jitAvailable = false;
    world.guest.onRunnerStart = (vm, runner) => {
      world.github.configure(vm, ["tartelet"]);
      runner.online();
      runner.takeJob();
      runner.exit(0);
    };
    await world.start();
    expect(world.registration.mode).toBe("token");
    expect(world.guest.runner(VM).stdin).toBe(`${world.github.secrets[0]}\n`);
    expect(world.github.calls).toContain(`findRunnerByName ${VM}`);
    expect(world.github.runners.size).toBe(0);
  });

  it("a teardown request while idle: torn down unused, not a failure", async () => {
    const world = setup();
    world.guest.onRunnerStart = (_vm, runner) => runner.online();
    const life = world.start();
    await until(() => world.messages().includes("runner online"), "the runner online");
    world.controller.abort(new TeardownRequest("no queued job needs this VM", false));
    await life;
    expect(world.ledger()).toEqual(["booting", "provisioning", "idle", "tearing-down"]);
    expect(world.lines.find((line) => line.msg === "tearing down vm")?.["reason"]).toBe(
      "no queued job needs this VM",
    );
    expect(world.counts).toEqual(["torn_down"]);
    expect(world.tart.vms.size).toBe(0);
    expect(world.github.runners.size).toBe(0);
  });

  it("a teardown request as a failure while cloning: waits for the clone to give up, then fails with the reason", async () => {
    const world = setup();
    world.controller.abort(new TeardownRequest("booting took too long", true));
    await world.start();
    expect(world.ledger()).toEqual(["tearing-down", "failed: booting took too long"]);
    expect(world.counts).toEqual(["failed"]);
  });

  it("a teardown request while connecting: the session that arrives is used for a clean shutdown", async () => {
    const world = setup();
    const connect = world.guest.connect.bind(world.guest);
    world.guest.connect = async (target) => {
      world.controller.abort(new TeardownRequest("drain", false));
      return connect({ ...target, signal: new AbortController().signal });
    };
    await world.start();
    expect(world.guest.commands).toContain(`${VM}: sudo -n /sbin/shutdown -h now`);
    expect(world.tart.calls).not.toContain(`stop ${VM}`);
    expect(world.counts).toEqual(["torn_down"]);
  });
});
