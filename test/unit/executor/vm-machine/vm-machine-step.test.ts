import { describe, expect, it } from "vitest";
import type { VmMachineEffect } from "../../../../src/executor/vm-machine/vm-machine-effect.js";
import type { VmMachineEvent } from "../../../../src/executor/vm-machine/vm-machine-event.js";
import {
  initialVmState,
  type ServedJob,
  type VmMachinePhase,
  type VmMachineState,
} from "../../../../src/executor/vm-machine/vm-machine-state.js";
import { step } from "../../../../src/executor/vm-machine/vm-machine-step.js";

type EventBody = VmMachineEvent extends infer E ? (E extends { at: number } ? Omit<E, "at"> : never) : never;

const LOG_FILE = "/state/vm-logs/vm-1.log";
let clock = 0;
const at = (event: EventBody): VmMachineEvent => ({ ...event, at: (clock += 1000) }) as VmMachineEvent;

function run(events: readonly EventBody[], from?: VmMachineState) {
  let state = from ?? initialVmState("vm-1", "o/r#1#1", LOG_FILE, (clock = 0));
  let effects: VmMachineEffect[] = [];
  for (const event of events) {
    const transition = step(state, at(event));
    state = transition.state;
    effects = [...transition.effects];
  }
  return { state, effects };
}

const ok = (type: string) => ({ type }) as EventBody;
const PREPARED = ok("prepared");
const ADDRESS = { type: "guest-address", ip: "192.168.64.2" } as const;
const CONNECTED = ok("guest-connected");
const INSTALLED = { type: "runner-installed", copied: false } as const;
const REGISTERED = { type: "registration-ready", runnerId: 42, tokenRunner: false } as const;
const STARTED = ok("runner-started");
const ONLINE = ok("runner-online");
const JOB = { type: "runner-job-started", job: "build" } as const;

/** The events that bring a fresh VM to each phase. */
const PATH: Readonly<Record<VmMachinePhase, readonly EventBody[]>> = {
  preparing: [],
  booting: [PREPARED],
  connecting: [PREPARED, ADDRESS],
  "installing-runner": [PREPARED, ADDRESS, CONNECTED],
  "awaiting-registration": [PREPARED, ADDRESS, CONNECTED, INSTALLED],
  "starting-runner": [PREPARED, ADDRESS, CONNECTED, INSTALLED, REGISTERED],
  "waiting-online": [PREPARED, ADDRESS, CONNECTED, INSTALLED, REGISTERED, STARTED],
  idle: [PREPARED, ADDRESS, CONNECTED, INSTALLED, REGISTERED, STARTED, ONLINE],
  busy: [PREPARED, ADDRESS, CONNECTED, INSTALLED, REGISTERED, STARTED, ONLINE, JOB],
  stopping: [{ type: "teardown-requested", reason: "drain", failure: false }],
  diagnosing: [
    PREPARED,
    {
      type: "guest-failed",
      error: new Error("tart run exited (code 1): The number of VMs exceeds the system limit"),
    },
  ],
  "tearing-down": [{ type: "prepare-failed", error: new Error("clone failed") }],
  gone: [
    { type: "prepare-failed", error: new Error("clone failed") },
    { type: "torn-down", problems: [] },
  ],
};

const PHASES = Object.keys(PATH) as VmMachinePhase[];

const of = <T extends VmMachineEffect["type"]>(effects: readonly VmMachineEffect[], type: T) =>
  effects.filter((effect): effect is Extract<VmMachineEffect, { type: T }> => effect.type === type);
const ledger = (effects: readonly VmMachineEffect[]) =>
  effects.flatMap((effect) =>
    effect.type === "ledger-phase"
      ? [effect.phase]
      : effect.type === "ledger-failed"
        ? [`failed: ${effect.reason}`]
        : [],
  );
const messages = (effects: readonly VmMachineEffect[]) => of(effects, "log").map((effect) => effect.message);

/** Runs `events` and collects every effect along the way. */
function trace(events: readonly EventBody[], from?: VmMachineState) {
  let state = from ?? initialVmState("vm-1", "o/r#1#1", LOG_FILE, (clock = 0));
  const effects: VmMachineEffect[] = [];
  for (const event of events) {
    const transition = step(state, at(event));
    state = transition.state;
    effects.push(...transition.effects);
  }
  return { state, effects };
}

describe("the VM machine's phases", () => {
  it.each(PHASES)("reaches %s by its path", (phase) => {
    expect(run(PATH[phase]).state.phase).toBe(phase);
  });

  it("serves a job: every step in order, the ledger phases, the metrics and a completed outcome", () => {
    const { state, effects } = trace([
      ...PATH.busy,
      { type: "runner-exited", exitCode: 0 },
      { type: "torn-down", problems: [] },
    ]);
    expect(state.phase).toBe("gone");
    expect(state.outcome).toBe("completed");
    const steps = effects
      .map((effect) => effect.type)
      .filter((type) => !["log", "observe", "ledger-phase", "count"].includes(type));
    expect(steps).toEqual([
      "request-registration",
      "boot",
      "install-runner",
      "start-runner",
      "follow-runner",
      "start-online-timer",
      "cancel-online-timer",
      "teardown",
    ]);
    expect(ledger(effects)).toEqual(["booting", "provisioning", "idle", "busy", "tearing-down"]);
    expect(of(effects, "ledger-phase").find((effect) => effect.phase === "idle")?.runnerId).toBe(42);
    expect(of(effects, "observe").map((effect) => effect.metric)).toEqual([
      "boot_to_ip",
      "ssh_ready",
      "runner_online",
      "job_start",
      "job_run",
      "teardown",
    ]);
    // Each event is 1 s after the last: the boot started at "prepared" (1 s), the address came at 2 s.
    expect(of(effects, "observe")[0]?.seconds).toBe(1);
    expect(messages(effects)).toEqual([
      "vm has an address",
      "runner online",
      "runner took a job",
      "runner finished",
      "vm deleted",
    ]);
    expect(of(effects, "count")).toEqual([{ type: "count", outcome: "completed" }]);
    expect(of(effects, "teardown")).toEqual([{ type: "teardown", runnerId: 42, findRunnerByName: false }]);
  });

  it("asks for the registration while the VM boots, and starts the runner at once when it came early", () => {
    const early = run([PREPARED, REGISTERED, ADDRESS, CONNECTED, INSTALLED]);
    expect(early.state.phase).toBe("starting-runner");
    expect(early.effects).toContainEqual({ type: "start-runner" });
  });

  it("waits for a late registration after installing, then starts the runner", () => {
    const late = run(PATH["starting-runner"]);
    expect(late.effects).toEqual([{ type: "start-runner" }]);
  });

  it("says when it copied the runner into the guest", () => {
    const { effects } = run([...PATH["installing-runner"], { type: "runner-installed", copied: true }]);
    expect(messages(effects)).toEqual(["copied the cached runner into the guest"]);
  });

  it("a registration that failed during the boot fails the VM once the runner is installed", () => {
    const { state, effects } = run([
      PREPARED,
      { type: "registration-failed", error: new Error("GitHub said 500") },
      ADDRESS,
      CONNECTED,
      INSTALLED,
    ]);
    expect(state.phase).toBe("tearing-down");
    expect(ledger(effects)).toEqual(["tearing-down", "failed: GitHub said 500"]);
  });

  it("ignores events a phase does not expect", () => {
    const before = run(PATH.booting).state;
    for (const event of [ONLINE, JOB, STARTED, INSTALLED, { type: "runner-exited", exitCode: 0 } as const]) {
      const transition = step(before, at(event));
      expect(transition.state.phase).toBe("booting");
      expect(transition.effects).toEqual([]);
    }
  });

  it("is total: every event in every phase gives a state and never leaves gone", () => {
    const events: EventBody[] = [
      PREPARED,
      { type: "prepare-failed", error: new Error("x") },
      ADDRESS,
      CONNECTED,
      { type: "guest-failed", error: new Error("x") },
      INSTALLED,
      { type: "install-failed", error: new Error("x") },
      REGISTERED,
      { type: "registration-failed", error: new Error("x") },
      STARTED,
      { type: "runner-start-failed", error: new Error("x") },
      ONLINE,
      JOB,
      { type: "runner-exited", exitCode: 1 },
      { type: "follow-failed", error: new Error("x") },
      { type: "online-deadline", afterMs: 1000 },
      { type: "vm-exited", lastLine: "" },
      { type: "job-observed", job: { key: "k", htmlUrl: null, completed: false, tookJob: true } },
      { type: "teardown-requested", reason: "r", failure: true },
      { type: "vm-limit-diagnosed", explanation: null },
      { type: "torn-down", problems: [] },
    ];
    for (const phase of PHASES)
      for (const event of events) {
        const { state } = run([...PATH[phase], event]);
        if (phase === "gone") expect(state.phase).toBe("gone");
        expect(PHASES).toContain(state.phase);
      }
  });
});

describe("a teardown request (TeardownRequest) in every phase", () => {
  const STEP_RESULT: Partial<Record<VmMachinePhase, EventBody>> = {
    preparing: { type: "prepare-failed", error: new Error("The operation was aborted") },
    booting: { type: "guest-failed", error: new Error("The operation was aborted") },
    connecting: CONNECTED,
    "installing-runner": INSTALLED,
    "starting-runner": { type: "runner-start-failed", error: new Error("aborted") },
  };
  const ACTIVE: VmMachinePhase[] = [
    "preparing",
    "booting",
    "connecting",
    "installing-runner",
    "awaiting-registration",
    "starting-runner",
    "waiting-online",
    "idle",
    "busy",
  ];

  for (const phase of ACTIVE)
    for (const failure of [false, true])
      it(`${phase}, ${failure ? "as a failure" : "not a failure"}: tears down, after the step in flight gave up`, () => {
        const request: EventBody = { type: "teardown-requested", reason: "job cancelled", failure };
        const asked = run([...PATH[phase], request]);
        const inFlight = STEP_RESULT[phase];
        let ended = asked;
        if (inFlight !== undefined) {
          // The step was aborted by the same signal: nothing happens until it gives up.
          expect(asked.state.phase).toBe("stopping");
          expect(asked.effects).toEqual([]);
          ended = run([inFlight], asked.state);
        }
        expect(ended.state.phase).toBe("tearing-down");
        expect(of(ended.effects, "teardown")).toHaveLength(1);
        if (phase === "waiting-online") expect(ended.effects[0]).toEqual({ type: "cancel-online-timer" });
        // A busy VM served its job: tearing it down is never its failure.
        const failed = failure && phase !== "busy";
        expect(ledger(ended.effects)).toEqual(
          failed ? ["tearing-down", "failed: job cancelled"] : ["tearing-down"],
        );
        expect(messages(ended.effects)).toEqual(failed ? ["vm failed"] : ["tearing down vm"]);
        const gone = run([{ type: "torn-down", problems: [] }], ended.state);
        expect(gone.state.outcome).toBe(failed ? "failed" : phase === "busy" ? "completed" : "torn_down");
      });

  it.each(["stopping", "diagnosing", "tearing-down", "gone"] as const)("in %s: changes nothing", (phase) => {
    const before = run(PATH[phase]).state;
    const transition = step(before, at({ type: "teardown-requested", reason: "again", failure: true }));
    expect(transition).toEqual({ state: before, effects: [] });
  });

  it("removes the runner by name when no registration id is known", () => {
    const { effects } = run([
      ...PATH.booting,
      { type: "teardown-requested", reason: "x", failure: false },
      CONNECTED,
    ]);
    expect(of(effects, "teardown")).toEqual([{ type: "teardown", runnerId: null, findRunnerByName: true }]);
  });

  it("removes a registration-token runner by name, even with an id", () => {
    const { effects } = run([
      PREPARED,
      { type: "registration-ready", runnerId: 7, tokenRunner: true },
      { type: "teardown-requested", reason: "x", failure: false },
      { type: "guest-failed", error: new Error("aborted") },
    ]);
    expect(of(effects, "teardown")).toEqual([{ type: "teardown", runnerId: 7, findRunnerByName: true }]);
  });
});

describe("failed steps", () => {
  const cases: [VmMachinePhase, EventBody, string][] = [
    [
      "preparing",
      { type: "prepare-failed", error: new Error("tart clone failed: no space") },
      "tart clone failed: no space",
    ],
    ["booting", { type: "guest-failed", error: new Error("tart ip timed out") }, "tart ip timed out"],
    [
      "connecting",
      { type: "guest-failed", error: new Error("SSH to the VM failed") },
      "SSH to the VM failed",
    ],
    ["installing-runner", { type: "install-failed", error: new Error("no disk") }, "no disk"],
    ["awaiting-registration", { type: "registration-failed", error: new Error("401") }, "401"],
    ["starting-runner", { type: "runner-start-failed", error: "exit 3" }, "exit 3"],
    [
      "waiting-online",
      { type: "online-deadline", afterMs: 300_000 },
      "runner did not come online within 300 s",
    ],
    [
      "waiting-online",
      { type: "runner-exited", exitCode: 2 },
      "runner exited before it came online (exit 2)",
    ],
    [
      "waiting-online",
      { type: "runner-exited", exitCode: null },
      "runner exited before it came online (exit unknown)",
    ],
    ["waiting-online", { type: "follow-failed", error: new Error("connection lost") }, "connection lost"],
    [
      "waiting-online",
      { type: "vm-exited", lastLine: "kernel panic" },
      "VM stopped before the runner came online: kernel panic",
    ],
    ["idle", { type: "vm-exited", lastLine: "powered off" }, "VM stopped without serving a job: powered off"],
    [
      "idle",
      { type: "runner-exited", exitCode: 0 },
      `runner exited without taking a job (exit 0); see ${LOG_FILE}`,
    ],
  ];

  it.each(cases)("%s + %o: fails with %j", (phase, event, reason) => {
    const { state, effects } = run([...PATH[phase], event]);
    expect(state.phase).toBe("tearing-down");
    expect(state.failure).toBe(reason);
    expect(ledger(effects)).toEqual(["tearing-down", `failed: ${reason}`]);
    const gone = run([{ type: "torn-down", problems: [] }], state);
    expect(gone.effects).toContainEqual({ type: "count", outcome: "failed" });
  });

  it("waiting for the runner: the timer is cancelled whatever ends the wait", () => {
    for (const event of [ONLINE, JOB, { type: "runner-exited", exitCode: 1 } as const])
      expect(run([...PATH["waiting-online"], event]).effects[0]).toEqual({ type: "cancel-online-timer" });
  });

  it("a lost log stream after the runner came online is not fatal", () => {
    const { state, effects } = run([...PATH.idle, { type: "follow-failed", error: new Error("lost") }]);
    expect(state.phase).toBe("idle");
    expect(effects).toEqual([]);
  });

  it("a VM that exits while booting waits for the boot step's own reason", () => {
    const { state } = run([...PATH.booting, { type: "vm-exited", lastLine: "boom" }]);
    expect(state.phase).toBe("booting");
    expect(state.vmStopped).toBe(true);
  });

  it("macOS's VM limit: the diagnosis is added to the reason before the teardown", () => {
    const asked = run(PATH.diagnosing);
    expect(asked.effects).toEqual([{ type: "diagnose-vm-limit" }]);
    const { effects } = run(
      [{ type: "vm-limit-diagnosed", explanation: "its limit of 2 has likely leaked" }],
      asked.state,
    );
    expect(ledger(effects)).toEqual([
      "tearing-down",
      "failed: tart run exited (code 1): The number of VMs exceeds the system limit — its limit of 2 has likely leaked",
    ]);
  });

  it("macOS's VM limit without a diagnosis keeps tart's own words", () => {
    const { state } = run([...PATH.diagnosing, { type: "vm-limit-diagnosed", explanation: null }]);
    expect(state.failure).toBe("tart run exited (code 1): The number of VMs exceeds the system limit");
  });
});

describe("served jobs and lost jobs", () => {
  const job = (over: Partial<ServedJob> = {}): EventBody => ({
    type: "job-observed",
    job: {
      key: "o/r#9#1",
      htmlUrl: "https://github.com/o/r/actions/runs/1/job/9",
      completed: false,
      tookJob: true,
      ...over,
    },
  });

  it("busy, then the runner exits: completed, with the job's run time", () => {
    const { state, effects } = run([...PATH.busy, { type: "runner-exited", exitCode: 0 }]);
    expect(state.failure).toBeNull();
    expect(of(effects, "observe").map((effect) => effect.metric)).toEqual(["job_run"]);
    expect(of(effects, "log")[0]?.fields).toEqual({ endedBy: "runner exited", runnerExitCode: 0 });
  });

  it("busy, then the VM stops under the job: a lost-job warning naming the job, and a failed outcome", () => {
    const { state, effects } = run([...PATH.busy, job(), { type: "vm-exited", lastLine: "" }]);
    const warning = of(effects, "log").find((effect) => effect.level === "warn");
    expect(warning?.message).toMatch(/runner lost/);
    expect(warning?.fields).toEqual({ job: "o/r#9#1", url: "https://github.com/o/r/actions/runs/1/job/9" });
    expect(state.failure).toBeNull();
    expect(run([{ type: "torn-down", problems: [] }], state).state.outcome).toBe("failed");
  });

  it("busy, then the VM stops after the job completed: no warning, completed", () => {
    const { state, effects } = run([
      ...PATH.busy,
      job({ completed: true }),
      { type: "vm-exited", lastLine: "" },
    ]);
    expect(of(effects, "log").filter((effect) => effect.level === "warn")).toEqual([]);
    expect(run([{ type: "torn-down", problems: [] }], state).state.outcome).toBe("completed");
  });

  it("idle, GitHub said the runner took a job, then the runner exits: served, not failed", () => {
    const { state } = run([...PATH.idle, job(), { type: "runner-exited", exitCode: 0 }]);
    expect(state.served).toBe(true);
    expect(state.failure).toBeNull();
  });

  it("a step fails after GitHub said the runner took a job: served, and a lost job when the VM stopped", () => {
    const { state, effects } = run([
      ...PATH["waiting-online"],
      job(),
      { type: "vm-exited", lastLine: "gone" },
    ]);
    expect(state.failure).toBeNull();
    expect(state.lostJob).toBe(true);
    expect(messages(effects)).toContain("vm ended before its runner's log showed the job it took");
  });

  it("a step fails after the runner served: a warning, not a failure", () => {
    const { state, effects } = run([
      ...PATH["waiting-online"],
      JOB,
      { type: "teardown-requested", reason: "x", failure: true },
    ]);
    expect(state.failure).toBeNull();
    expect(effects.some((effect) => effect.type === "ledger-failed")).toBe(false);
  });
});

describe("the end", () => {
  it("logs each teardown problem, the teardown time, the lifetime, and counts the VM once", () => {
    const ended = run(PATH["tearing-down"]);
    const { state, effects } = run(
      [{ type: "torn-down", problems: ["tart delete failed: busy"] }],
      ended.state,
    );
    expect(state.phase).toBe("gone");
    expect(of(effects, "log").map((effect) => [effect.message, effect.fields])).toEqual([
      ["teardown step failed", { problem: "tart delete failed: busy" }],
      ["vm deleted", { lifetimeSeconds: 2 }],
    ]);
    expect(of(effects, "observe")).toEqual([{ type: "observe", metric: "teardown", seconds: 1 }]);
    expect(of(effects, "count")).toEqual([{ type: "count", outcome: "failed" }]);
  });

  it("nothing happens after gone", () => {
    const gone = run(PATH.gone).state;
    expect(step(gone, at({ type: "torn-down", problems: [] }))).toEqual({ state: gone, effects: [] });
  });
});
