import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadExecutorConfig } from "../../../src/config/index.js";
import { executorYaml, HOME, parseExecutor } from "./config-test-support.js";

const fixture = (name: string) => new URL(`../../fixtures/config/${name}`, import.meta.url).pathname;
const readFile = (path: string) => readFileSync(path, "utf8");

describe("the original README's tart-executor.yaml", () => {
  const config = loadExecutorConfig(fixture("original-executor.yaml"), {
    env: { TART_EXECUTOR_WEBHOOK_SECRET: "from-env" },
    homedir: "/Users/server",
    readFile,
  });

  it("loads unchanged, with the webhook secret from the environment", () => {
    expect(config.github.webhookSecret).toBe("from-env");
  });

  it("means what it meant", () => {
    expect(config.hostname).toBe("server");
    expect(config.tart).toMatchObject({
      homeFolder: "/Volumes/Files/tart",
      isHeadless: true,
      insecureDomains: ["10.0.1.100"],
      numberOfVirtualMachines: 2,
      ssh: { username: "admin", password: "admin", port: 22 },
      defaultCpu: 5,
      defaultMemory: 6144,
    });
    expect(config.github).toMatchObject({
      runnerScope: "organization",
      organizationName: "bludesign",
      appId: "1234567",
      privateKeyPath: "/Users/server/private-key.pem",
    });
    expect(config.runner.labels).toEqual(["tartelet"]);
    expect(config.webhook.port).toBe(3250);
  });

  it("keeps only the names the organization scope uses", () => {
    expect(config.github).not.toHaveProperty("ownerName");
    expect(config.github).not.toHaveProperty("repositoryName");
  });
});

describe("every original executor key", () => {
  const config = loadExecutorConfig(fixture("original-all-keys-executor.yaml"), {
    env: { TART_EXECUTOR_WEBHOOK_SECRET: "from-env" },
    homedir: HOME,
    readFile,
  });

  it("turns cpuLimit and totalMemory (MB) into budgets", () => {
    expect(config.cpuLimit).toBe(20);
    expect(config.totalMemory).toBe(131_072);
  });

  it("keeps loggingEndpoint (without trailing slash) and apiToken", () => {
    expect(config.loggingEndpoint).toBe("https://logs.example.com/ingest");
    expect(config.apiToken).toBe("t0ken");
  });

  it("keeps the tart settings, reading yes as true like the original's YAML decoder", () => {
    expect(config.tart).toMatchObject({
      homeFolder: "/Users/ci/tart-home",
      netBridgedAdapter: "en0",
      isHeadless: true,
      isInsecure: false,
      insecureDomains: ["10.0.1.100", "registry.local"],
      numberOfVirtualMachines: 2,
      defaultCpu: 6,
      defaultMemory: 16_384,
    });
  });

  it("keeps an SSH password that looks like a number exactly as written", () => {
    expect(config.tart.ssh).toEqual({ username: "runner", password: "0123", port: 22 });
  });

  it("uses owner and repository for the repo scope", () => {
    expect(config.github).toMatchObject({
      runnerScope: "repo",
      ownerName: "bludesign",
      repositoryName: "tart",
    });
    expect(config.github).not.toHaveProperty("organizationName");
  });

  it("resolves a relative privateKey against the config file's folder", () => {
    expect(config.github.privateKeyPath).toBe(fixture("keys/app.pem"));
  });

  it("splits and trims comma-separated labels, dropping empty ones", () => {
    expect(config.runner.labels).toEqual(["tartelet", "xcode", "fast"]);
  });

  it("treats an empty runner group as the default group and keeps disableUpdates", () => {
    expect(config.runner.group).toBeUndefined();
    expect(config.runner.disableUpdates).toBe(true);
  });

  it("keeps routerUrl (without trailing slash, so /runner can be appended) and localUrl", () => {
    expect(config.webhook.routerUrl).toBe("http://10.0.4.1:3251");
    expect(config.webhook.localUrl).toBe("http://10.0.4.1:3251");
  });
});

describe("original value spellings", () => {
  it("accepts appId as a number or a string and always gives a string", () => {
    expect(parseExecutor(executorYaml()).github.appId).toBe("42");
    expect(parseExecutor(executorYaml().replace("appId: 42", 'appId: "42"')).github.appId).toBe("42");
  });

  it("accepts a hostname that YAML reads as a number", () => {
    expect(parseExecutor(executorYaml().replace("hostname: mac-1", "hostname: 1234")).hostname).toBe("1234");
  });

  it("accepts yes/no/on/off in any case for booleans, as Yams did", () => {
    const config = parseExecutor(executorYaml("tart:\n  isHeadless: On\n  isInsecure: NO"));
    expect(config.tart.isHeadless).toBe(true);
    expect(config.tart.isInsecure).toBe(false);
  });

  it("accepts labels as a YAML list", () => {
    const config = parseExecutor(
      executorYaml().replace("labels: tartelet", "labels: [tartelet, Xcode, xcode]"),
    );
    expect(config.runner.labels).toEqual(["tartelet", "Xcode"]);
  });

  it("treats an empty apiToken as no authentication, as the original did", () => {
    expect(parseExecutor(executorYaml('apiToken: ""')).apiToken).toBeUndefined();
  });
});
