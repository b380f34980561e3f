/**
 * A matching job gets its own VM: the exact tart commands in order with the right environment,
 * pull policies, registry credentials and --insecure, the runner registered with a JIT config
 * requested while the VM boots (and never handed to tart), the runner copied in from a host cache
 * for images without one, the job's success at GitHub, and nothing left behind.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { simImageSchema } from "../../../src/sim/sim-config.js";
import { startRecordingProxy } from "../../helpers/e2e-github-proxy.js";
import {
  clonedVms,
  IMAGE_WITH_RUNNER,
  IMAGE_WITHOUT_RUNNER,
  inSpawnOrder,
  leftovers,
  SIM_ORG,
  useE2eWorld,
  waitForVmsDeleted,
  type TartCommand,
} from "../../helpers/e2e-world.js";

// Each test has its own simulated world; two at a time keep the suite short on a 2-core host.
// A loaded host stretches a VM's life, hence the generous per-test limit (every wait inside is bounded).
vi.setConfig({ maxConcurrency: 2, testTimeout: 90_000, hookTimeout: 90_000 });

const VM_NAME = /^tart-executor-mini-1-[0-9a-z]{8}$/;
const NOTHING_LEFT = { vms: [], runners: [] };

/** The commands that concern one VM (its name in argv), as `verb args…` strings. */
function commandsFor(commands: readonly TartCommand[], vm: string): TartCommand[] {
  return commands.filter((command) => command.argv.includes(vm));
}

describe.concurrent("a matching job gets a fresh VM of its own", () => {
  it("runs clone, set, run, ip and delete in order with CI=1 and TART_HOME, serves the job and leaves nothing behind", async (context) => {
    const world = await useE2eWorld(context);
    const executor = await world.startExecutor({ tart: { defaultCpu: 4, defaultMemory: 8192 } });
    const job = world.queue(["tartelet", IMAGE_WITH_RUNNER]);

    const view = await job.settled(30_000);
    expect(view.conclusion).toBe("success");
    await waitForVmsDeleted(executor, 1);

    const [vm, ...others] = clonedVms(world);
    expect(others).toEqual([]);
    expect(vm).toMatch(VM_NAME);
    expect(vm).not.toContain("/");
    expect(view.runner?.name).toBe(vm);

    const own = inSpawnOrder(commandsFor(world.commands(), vm ?? ""));
    const verbs = own.map((command) => command.argv[0]);
    // if-not-present (the default): no separate pull, clone fetches what is missing.
    expect(world.commands().some((command) => command.argv[0] === "pull")).toBe(false);
    expect(own[0]?.argv).toEqual(["clone", IMAGE_WITH_RUNNER, vm]);
    // NAT networking: no --random-mac, the VM gets its slot's stable MAC (DHCP leases are reused).
    expect(own[1]?.argv).toEqual(["set", vm, "--cpu", "4", "--memory", "8192"]);
    expect(own[2]?.argv).toEqual(["run", vm, "--no-graphics"]);
    // guestChannel auto (the default): the agent probe and the SSH path (tart ip) start together.
    const probes = own.slice(3, 5).map((command) => command.argv.slice(0, 3));
    expect(probes).toContainEqual(["exec", vm, "true"]);
    expect(probes).toContainEqual(["ip", vm, "--wait"]);
    expect(verbs.at(-1)).toBe("delete");
    // The guest steps went through tart exec: the image's runner has the agent.
    expect(verbs.slice(5, -1).every((verb) => verb === "exec" || verb === "stop")).toBe(true);
    for (const command of own) {
      expect(command.env["CI"], command.argv.join(" ")).toBe("1");
      expect(command.env["TART_HOME"], command.argv.join(" ")).toBe(world.tartHome);
    }

    expect(await leftovers(world)).toEqual(NOTHING_LEFT);
    const vmLog = path.join(world.stateDir, "vm-logs", `${vm}.log`);
    expect(existsSync(vmLog)).toBe(true);
    expect(readFileSync(vmLog, "utf8")).toContain("runner| ");
  });

  it("pull policy always: tart pull first, with registry credentials and --insecure for an insecure domain", async (context) => {
    const PRIVATE_IMAGE = "registry.example.test:5000/team/macos-xcode:16";
    const credentials = { username: "ci-bot", password: "registry-pass-e2e-5be1" };
    const world = await useE2eWorld(context, {
      sim: {
        images: { [PRIVATE_IMAGE]: simImageSchema.parse({ hasRunner: true, auth: credentials }) },
      },
    });
    const executor = await world.startExecutor({
      tart: {
        pullPolicy: "always",
        insecureDomains: ["registry.example.test"],
        registry: { hostname: "registry.example.test:5000", ...credentials },
      },
    });
    const job = world.queue(["tartelet", PRIVATE_IMAGE]);
    expect((await job.settled(30_000)).conclusion).toBe("success");
    await waitForVmsDeleted(executor, 1);

    const [vm] = clonedVms(world);
    const commands = inSpawnOrder(world.commands()).filter((command) => command.argv[0] !== "list");
    const pull = commands[0];
    expect(pull?.argv).toEqual(["pull", PRIVATE_IMAGE, "--insecure"]);
    const clone = commands[1];
    expect(clone?.argv).toEqual(["clone", PRIVATE_IMAGE, vm, "--insecure"]);
    for (const command of [pull, clone])
      expect(command?.env).toMatchObject({
        TART_REGISTRY_HOSTNAME: "registry.example.test:5000",
        TART_REGISTRY_USERNAME: credentials.username,
        TART_REGISTRY_PASSWORD: credentials.password,
      });
    expect(pull?.exitCode).toBe(0);
    expect(clone?.exitCode).toBe(0);
    expect(await leftovers(world)).toEqual(NOTHING_LEFT);
  });

  it("pull policy never with an image that is not cached: the VM fails with a log naming the policy", async (context) => {
    const world = await useE2eWorld(context);
    const executor = await world.startExecutor({
      tart: { pullPolicy: "never" },
      retries: { maxAttempts: 1, backoffSeconds: 0 },
    });
    const job = world.queue(["tartelet", IMAGE_WITH_RUNNER]);
    const failed = await executor.waitForLog((line) => line.msg === "vm failed", 15_000);
    expect(String(failed["reason"])).toContain(IMAGE_WITH_RUNNER);
    expect(String(failed["reason"])).toMatch(/pullPolicy is "never"/);
    await executor.waitForLog((line) => line.msg === "giving up on job", 10_000);
    await waitForVmsDeleted(executor, 1);
    expect(world.commands().map((command) => command.argv[0])).not.toContain("pull");
    expect(world.commands().map((command) => command.argv[0])).not.toContain("clone");
    expect(world.commands().map((command) => command.argv.join(" "))).toContain(
      "list --source oci --format json",
    );
    expect(job.view().status).toBe("queued");
    expect(await leftovers(world)).toEqual(NOTHING_LEFT);
    world.github.dispatcher.cancelJob(job.id);
  });

  it("asks for the JIT config while the VM boots, with the VM name, the job's labels plus self-hosted and the runner group, and never gives it to tart", async (context) => {
    const world = await useE2eWorld(context, {
      sim: { delays: { bootMs: 1500 } },
      fakeGitHub: { runnerGroups: [{ id: 7, name: "macos-ci" }] },
    });
    const proxy = await startRecordingProxy(world.github.url);
    context.onTestFinished(() => proxy.close());
    const executor = await world.startExecutor({
      github: { apiUrl: proxy.apiUrl },
      runner: { group: "macos-ci" },
    });
    const labels = ["tartelet", IMAGE_WITH_RUNNER, "cpu:4"];
    const job = world.queue(labels, { durationMs: 2000 });

    // While the job runs, the JIT config must be nowhere in TART_HOME's files.
    await world.github.dispatcher.waitFor(() => job.view().status === "in_progress", 30_000, "job running");
    const jitExchange = proxy
      .exchanges()
      .find((exchange) => exchange.url.endsWith(`/orgs/${SIM_ORG}/actions/runners/generate-jitconfig`));
    expect(jitExchange?.status).toBe(201);
    const jit = (JSON.parse(jitExchange?.responseBody ?? "{}") as { encoded_jit_config?: string })
      .encoded_jit_config;
    expect(jit).toBeTruthy();
    const secret = jit ?? "";
    const filesWithJit = world
      .filesUnder(world.tartHome)
      .filter((file) => statSync(file).size < 8 * 1024 * 1024 && readFileSync(file).includes(secret));
    expect(filesWithJit).toEqual([]);

    expect((await job.settled(30_000)).conclusion).toBe("success");
    await waitForVmsDeleted(executor, 1);

    const [vm] = clonedVms(world);
    const body = JSON.parse(jitExchange?.requestBody ?? "{}") as {
      name: string;
      labels: string[];
      runner_group_id: number;
    };
    expect(body.name).toBe(vm);
    expect([...body.labels].sort()).toEqual(
      ["self-hosted", ...labels.map((label) => label.toLowerCase())].sort(),
    );
    expect(body.runner_group_id).toBe(7);

    // Timing, from the fake GitHub's own request log and tart's invocation log.
    const request = world.github
      .requests()
      .find((r) => r.method === "POST" && r.path.endsWith("/actions/runners/generate-jitconfig"));
    const own = commandsFor(world.commands(), vm ?? "");
    const run = own.find((command) => command.argv[0] === "run");
    const ip = own.find((command) => command.argv[0] === "ip");
    expect(request?.atMs).toBeGreaterThanOrEqual((run?.startMs ?? Infinity) - 1000);
    expect(request?.atMs).toBeLessThan(ip?.endMs ?? 0);

    // Never on a command line or in tart's environment.
    for (const line of world.invocationLines()) {
      expect(line.argv.join(" ")).not.toContain(secret);
      expect(Object.values(line.env).join(" ")).not.toContain(secret);
    }
    expect(await leftovers(world)).toEqual(NOTHING_LEFT);
  });

  it("copies the runner into images without one from a tarball downloaded once and cached on the host", async (context) => {
    const world = await useE2eWorld(context);
    await world.prePull(IMAGE_WITHOUT_RUNNER);
    const executor = await world.startExecutor();
    const jobs = [
      world.queue(["tartelet", IMAGE_WITHOUT_RUNNER]),
      world.queue(["tartelet", IMAGE_WITHOUT_RUNNER]),
    ];
    for (const job of jobs) expect((await job.settled(40_000)).conclusion).toBe("success");
    await waitForVmsDeleted(executor, 2);

    expect(clonedVms(world)).toHaveLength(2);
    const downloads = world.github
      .requests()
      .filter((r) => r.method === "GET" && r.path.startsWith("/_sim/downloads/"));
    expect(downloads).toHaveLength(1);
    const cacheDir = path.join(world.stateDir, "runner-cache");
    const cached = readdirSync(cacheDir).filter((file) => file.endsWith(".tar.gz"));
    expect(cached).toHaveLength(1);
    expect(downloads[0]?.path).toBe(`/_sim/downloads/${cached[0]}`);
    expect(
      executor.logs().filter((line) => line.msg === "copied the cached runner into the guest"),
    ).toHaveLength(2);
    expect(await leftovers(world)).toEqual(NOTHING_LEFT);
  });
});
