/**
 * A whole simulated world in one call, for the demo, end-to-end tests and benchmarks: a temp
 * directory with a simulated Mac (TART_HOME with the sim config), a GitHub App key pair, a fake
 * GitHub whose App webhook points at the executor's future address, and a writer for
 * tart-executor.yaml files that fit all of it.
 */
import { generateKeyPairSync, randomInt } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from "../github/fake-github.js";
import type { SimConfig } from "../sim-config.js";
import { freePort } from "./free-port.js";

export const SIM_ORG = "acme";
export const IMAGE_WITH_RUNNER = "ghcr.io/cirruslabs/macos-sequoia-xcode:latest";
export const IMAGE_WITHOUT_RUNNER = "ghcr.io/cirruslabs/macos-sequoia-vanilla:latest";

/** The package root (for sim-bin/tart), whether running from src/ or dist/. */
export const packageRootDir = fileURLToPath(new URL("../../../", import.meta.url));
export const simTartExecutable = path.join(packageRootDir, "sim-bin", "tart");

export interface SimWorldOptions {
  /** Deep-merged over the defaults: both images, all delays 0, a random loopback /16 and SSH port. */
  readonly sim?: Partial<{ [K in keyof SimConfig]: Partial<SimConfig[K]> }>;
  /** How many executor ports to reserve (each gets its own webhook URL at the fake GitHub). */
  readonly executors?: number;
  /** Send the App's webhooks here instead of to the executors (e.g. a router). */
  readonly webhookUrl?: string;
  readonly fakeGitHub?: Partial<FakeGitHubOptions>;
  readonly webhookSecret?: string;
}

export interface SimWorld {
  readonly root: string;
  readonly tartHome: string;
  readonly simDir: string;
  readonly sshPort: number;
  readonly github: FakeGitHub;
  readonly webhookSecret: string;
  readonly privateKeyPath: string;
  readonly executorPorts: readonly number[];
  /** Writes a tart-executor.yaml for executor `index` and returns its path. */
  writeExecutorConfig(index: number, overrides?: Record<string, unknown>): string;
  /** Rewrites the simulation's config.json (faults, delays) while everything runs. */
  updateSim(sim: SimWorldOptions["sim"]): void;
  close(): Promise<void>;
}

export async function startSimWorld(options: SimWorldOptions = {}): Promise<SimWorld> {
  const root = mkdtempSync(path.join(tmpdir(), "tart-sim-"));
  const tartHome = path.join(root, "tart-home");
  const simDir = path.join(tartHome, ".sim");
  mkdirSync(simDir, { recursive: true });
  const sshPort = await freePort();
  const ipPrefix = `127.${randomInt(100, 250)}`;
  let sim: Record<string, unknown> = {
    images: {
      [IMAGE_WITH_RUNNER]: { hasRunner: true, cpu: 4, memoryMiB: 8192 },
      [IMAGE_WITHOUT_RUNNER]: { hasRunner: false, cpu: 4, memoryMiB: 8192 },
    },
    delays: { pullMs: 0, cloneMs: 0, bootMs: 0, sshReadyMs: 0, shutdownMs: 0, ipPollMs: 50, stopPollMs: 20 },
    network: { ipPrefix, sshPort },
    vmLimit: { max: 2 },
    faults: {},
  };
  const writeSim = (): void => writeFileSync(path.join(simDir, "config.json"), JSON.stringify(sim, null, 2));
  const merge = (patch: SimWorldOptions["sim"]): void => {
    for (const [key, value] of Object.entries(patch ?? {}))
      sim = { ...sim, [key]: key === "faults" ? value : { ...(sim[key] as object), ...(value as object) } };
  };
  merge(options.sim);
  writeSim();

  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const privateKeyPath = path.join(root, "app-private-key.pem");
  writeFileSync(privateKeyPath, privateKeyPem, { mode: 0o600 });
  const webhookSecret = options.webhookSecret ?? `sim-webhook-secret-${randomInt(1e9)}`;
  const executorPorts = await Promise.all(Array.from({ length: options.executors ?? 1 }, () => freePort()));
  const github = await startFakeGitHub({
    appId: 424242,
    appPrivateKeyPem: privateKeyPem,
    installations: [{ id: 31337, account: { login: SIM_ORG, type: "Organization" } }],
    webhook: {
      url: options.webhookUrl ?? executorPorts.map((port) => `http://127.0.0.1:${port}/webhook`),
      secret: webhookSecret,
    },
    ...options.fakeGitHub,
  });

  return {
    root,
    tartHome,
    simDir,
    sshPort,
    github,
    webhookSecret,
    privateKeyPath,
    executorPorts,
    writeExecutorConfig(index, overrides = {}) {
      const port = executorPorts[index];
      if (port === undefined) throw new Error(`no executor ${index} in this world`);
      const config = deepMerge(
        {
          hostname: `mini-${index + 1}`,
          stateDirectory: path.join(root, `executor-${index + 1}`),
          tart: {
            executable: simTartExecutable,
            homeFolder: tartHome,
            isHeadless: true,
            numberOfVirtualMachines: 2,
            ssh: { username: "admin", password: "admin", port: sshPort },
          },
          github: {
            runnerScope: "organization",
            organizationName: SIM_ORG,
            appId: github.appId,
            privateKey: privateKeyPath,
            apiUrl: github.apiUrl,
            webhookSecret,
          },
          runner: { labels: "tartelet" },
          webhook: { host: "127.0.0.1", port },
        },
        overrides,
      );
      const file = path.join(root, `tart-executor-${index + 1}.yaml`);
      writeFileSync(file, stringify(config));
      return file;
    },
    updateSim(patch) {
      merge(patch);
      writeSim();
    },
    async close() {
      killSimulatedVms(tartHome);
      await github.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = result[key];
    result[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Powers off every simulated VM still running (their guests' processes follow by themselves). */
export function killSimulatedVms(tartHome: string): number {
  const vmsDir = path.join(tartHome, "vms");
  if (!existsSync(vmsDir)) return 0;
  let killed = 0;
  for (const name of readdirSync(vmsDir)) {
    try {
      const { pid } = JSON.parse(readFileSync(path.join(vmsDir, name, ".sim-run.json"), "utf8")) as {
        pid: number;
      };
      process.kill(pid, "SIGKILL");
      killed += 1;
    } catch {
      // not running
    }
  }
  return killed;
}
