/**
 * The `tart-executor` command line as a user meets it: --version, --help, check-config with
 * secrets masked, configuration errors that point at file, line and YAML path (exit 78), the
 * webhook-secret rule, and finding the file through $TART_EXECUTOR_CONFIG.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runExecutorCli, PACKAGE_ROOT } from "../../helpers/executor-process.js";

// Independent short processes: two at a time.
vi.setConfig({ maxConcurrency: 2 });

const WEBHOOK_SECRET = "whsec-cli-e2e-7f3a9c1d";
const SSH_PASSWORD = "ssh-pass-cli-e2e-91c2";
let dir: string;
let keyPath: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "tart-executor-cli-"));
  keyPath = path.join(dir, "app.pem");
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(keyPath, privateKey.export({ type: "pkcs1", format: "pem" }).toString(), { mode: 0o600 });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A valid config, one setting per line, so each test knows the line it breaks. */
function configLines(): string[] {
  return [
    "hostname: mini-cli", // 1
    `stateDirectory: ${path.join(dir, "state")}`, // 2
    "tart:", // 3
    "  isHeadless: true", // 4
    "  numberOfVirtualMachines: 2", // 5
    "  ssh:", // 6
    `    password: ${SSH_PASSWORD}`, // 7
    "github:", // 8
    "  runnerScope: organization", // 9
    "  organizationName: acme", // 10
    "  appId: 424242", // 11
    `  privateKey: ${keyPath}`, // 12
    `  webhookSecret: ${WEBHOOK_SECRET}`, // 13
    "runner:", // 14
    "  labels: tartelet", // 15
    "webhook:", // 16
    "  port: 3250", // 17
  ];
}

let fileCount = 0;
function writeConfig(lines: readonly string[]): string {
  const file = path.join(dir, `tart-executor-${(fileCount += 1)}.yaml`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

describe.concurrent("tart-executor CLI", () => {
  it("--version prints the package version and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as {
      version: string;
    };
    const result = await runExecutorCli(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it("--help describes the options and the check-config command and exits 0", async () => {
    const result = await runExecutorCli(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: tart-executor");
    expect(result.stdout).toContain("--config <path>");
    expect(result.stdout).toContain("--log-level <level>");
    expect(result.stdout).toContain("check-config");
  });

  it("check-config prints the resolved config with every secret masked and exits 0", async () => {
    const file = writeConfig(configLines());
    const result = await runExecutorCli(["check-config", "--config", file]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const [header, ...json] = result.stdout.split("\n");
    expect(header).toBe(`# ${file}: valid`);
    const printed = JSON.parse(json.join("\n")) as {
      hostname: string;
      github: { webhookSecret: string; organizationName: string; apiUrl: string };
      tart: { ssh: { password: string; username: string; port: number }; numberOfVirtualMachines: number };
      timeouts: Record<string, number>;
    };
    expect(printed.hostname).toBe("mini-cli");
    expect(printed.github.webhookSecret).toBe("***");
    expect(printed.tart.ssh.password).toBe("***");
    // Resolved: defaults filled in.
    expect(printed.github.apiUrl).toBe("https://api.github.com");
    expect(printed.tart.ssh).toMatchObject({ username: "admin", port: 22 });
    expect(printed.tart.numberOfVirtualMachines).toBe(2);
    expect(result.stdout).not.toContain(WEBHOOK_SECRET);
    expect(result.stdout).not.toContain(SSH_PASSWORD);
  });

  it.each([
    {
      what: "an unknown key",
      edit: (lines: string[]) => lines.splice(4, 0, "  isHeadles: true"),
      line: 5,
      yamlPath: "tart.isHeadles",
      reason: /unknown key/i,
    },
    {
      what: "numberOfVirtualMachines: 3",
      edit: (lines: string[]) => lines.splice(4, 1, "  numberOfVirtualMachines: 3"),
      line: 5,
      yamlPath: "tart.numberOfVirtualMachines",
      reason: /must be at most 2/,
    },
    {
      what: "organization scope without organizationName",
      edit: (lines: string[]) => lines.splice(9, 1),
      line: undefined,
      yamlPath: "github.organizationName",
      reason: /required when github.runnerScope is organization/,
    },
  ])("$what: exit 78, and stderr names the file, line, YAML path and reason", async (example) => {
    const lines = configLines();
    example.edit(lines);
    const file = writeConfig(lines);
    for (const args of [
      ["check-config", "--config", file],
      ["--config", file],
    ]) {
      const result = await runExecutorCli(args);
      expect(result.code, result.stderr).toBe(78);
      const line = example.line === undefined ? "\\d+" : String(example.line);
      const problem = result.stderr.split("\n").find((text) => text.includes(example.yamlPath)) ?? "";
      expect(problem).toMatch(new RegExp(`^${escape(file)}:${line}:\\d+ ${escape(example.yamlPath)}: `));
      expect(problem).toMatch(example.reason);
      expect(result.stdout).not.toContain("listening");
    }
  });

  it("a missing webhook secret is an error unless insecureSkipSignatureVerification is true", async () => {
    const withoutSecret = configLines().filter((line) => !line.includes("webhookSecret"));
    const missing = await runExecutorCli(["check-config", "--config", writeConfig(withoutSecret)]);
    expect(missing.code).toBe(78);
    expect(missing.stderr).toMatch(/github\.webhookSecret: is required/);
    expect(missing.stderr).toContain("insecureSkipSignatureVerification");

    const fromEnv = await runExecutorCli(["check-config", "--config", writeConfig(withoutSecret)], {
      env: { TART_EXECUTOR_WEBHOOK_SECRET: WEBHOOK_SECRET },
    });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(fromEnv.stdout).toContain('"webhookSecret": "***"');
    expect(fromEnv.stdout).not.toContain(WEBHOOK_SECRET);

    const skipped = await runExecutorCli([
      "check-config",
      "--config",
      writeConfig([...withoutSecret, "  insecureSkipSignatureVerification: true"]),
    ]);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toContain('"insecureSkipSignatureVerification": true');
  });

  it("finds the config through $TART_EXECUTOR_CONFIG, and says where it looked when there is none", async () => {
    const file = writeConfig(configLines());
    const found = await runExecutorCli(["check-config"], { env: { TART_EXECUTOR_CONFIG: file } });
    expect(found.code, found.stderr).toBe(0);
    expect(found.stdout.split("\n")[0]).toBe(`# ${file}: valid`);

    const emptyHome = path.join(dir, "empty-home");
    mkdirSync(emptyHome, { recursive: true });
    const none = await runExecutorCli(["check-config"], {
      env: { HOME: emptyHome, HOMEBREW_PREFIX: path.join(dir, "no-brew") },
    });
    expect(none.code).toBe(78);
    expect(none.stderr).toContain("no configuration file found");
    expect(none.stderr).toContain(path.join(emptyHome, "tart-executor.yaml"));

    const wrong = await runExecutorCli(["check-config"], {
      env: { TART_EXECUTOR_CONFIG: path.join(dir, "nope.yaml") },
    });
    expect(wrong.code).toBe(78);
    expect(wrong.stderr).toContain(path.join(dir, "nope.yaml"));
    expect(wrong.stderr).toContain("$TART_EXECUTOR_CONFIG");
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
