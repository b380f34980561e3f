import { describe, expect, it } from "vitest";
import { executorYaml, parseExecutor } from "./config-test-support.js";

describe("executor config defaults", () => {
  const config = parseExecutor(executorYaml());

  it("leaves the original's optional budgets and endpoints unset", () => {
    expect(config.cpuLimit).toBeUndefined();
    expect(config.totalMemory).toBeUndefined();
    expect(config.loggingEndpoint).toBeUndefined();
    expect(config.apiToken).toBeUndefined();
    expect(Object.keys(config)).not.toContain("cpuLimit");
  });

  it("keeps state in ~/.tart-executor and logs at info, keeping 20 VM logs", () => {
    expect(config.stateDirectory).toBe("/Users/ci/.tart-executor");
    expect(config.logging).toEqual({ level: "info", vmLogsToKeep: 20 });
  });

  it("gives tart the original's defaults plus the new ones", () => {
    expect(config.tart).toEqual({
      isHeadless: false,
      isInsecure: false,
      insecureDomains: [],
      numberOfVirtualMachines: 1,
      pullPolicy: "if-not-present",
      guestChannel: "auto",
      images: { allow: [], aliases: {} },
      mounts: [],
      ssh: { username: "admin", password: "admin", port: 22 },
    });
    expect(config.tart.executable).toBeUndefined();
    expect(config.tart.defaultCpu).toBeUndefined();
    expect(config.tart.registry).toBeUndefined();
  });

  it("talks to api.github.com", () => {
    expect(config.github.apiUrl).toBe("https://api.github.com");
    expect(config.github.clientId).toBeUndefined();
  });

  it("registers runners in the default group with updates enabled and no extra environment", () => {
    expect(config.runner).toEqual({ labels: ["tartelet"], disableUpdates: false, environment: {} });
  });

  it("listens on all interfaces, accepts 1 MiB bodies and verifies signatures", () => {
    expect(config.webhook).toEqual({
      host: "0.0.0.0",
      port: 3250,
      maxBodyBytes: 1_048_576,
      insecureSkipSignatureVerification: false,
    });
  });

  it("bounds every phase, in milliseconds", () => {
    expect(config.timeouts).toEqual({
      pullMs: 1_800_000,
      cloneMs: 600_000,
      bootMs: 180_000,
      runnerOnlineMs: 120_000,
      jobStartMs: 600_000,
      jobMaxMs: 21_600_000,
      idleMs: 60_000,
      teardownMs: 120_000,
      drainMs: 3_600_000,
      tombstoneMs: 86_400_000,
      githubRequestMs: 30_000,
      afterJobMs: 60_000,
      sweepMs: 60_000,
    });
  });

  it("retries a failed VM start 3 times, 5 s apart", () => {
    expect(config.retries).toEqual({ maxAttempts: 3, backoffMs: 5000 });
  });

  it("uses the default SSH password only when no SSH key is configured", () => {
    const keyOnly = parseExecutor(executorYaml("tart:\n  ssh:\n    privateKey: ~/.ssh/vm"));
    expect(keyOnly.tart.ssh).toEqual({ username: "admin", privateKeyPath: "/Users/ci/.ssh/vm", port: 22 });
  });

  it("treats a key written without a value as absent", () => {
    const config = parseExecutor(executorYaml("tart:\n  ssh:\n  defaultCpu:\ntimeouts:"));
    expect(config.tart.ssh.password).toBe("admin");
    expect(config.tart.defaultCpu).toBeUndefined();
    expect(config.timeouts.bootMs).toBe(180_000);
  });
});

describe("the parsed config", () => {
  it("cannot be changed by the modules that share it", () => {
    const config = parseExecutor(executorYaml());
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.tart.ssh)).toBe(true);
    expect(Object.isFrozen(config.runner.labels)).toBe(true);
    expect(() => {
      (config.tart as { numberOfVirtualMachines: number }).numberOfVirtualMachines = 5;
    }).toThrow(TypeError);
  });

  it("looks up image aliases without inheriting object properties", () => {
    const config = parseExecutor(executorYaml());
    expect(config.tart.images.aliases["constructor"]).toBeUndefined();
  });
});
