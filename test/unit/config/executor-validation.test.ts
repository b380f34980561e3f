import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/config/index.js";
import { configErrorOf, executorErrors, executorYaml, parseExecutor } from "./config-test-support.js";

const F = "/Users/ci/config/tart-executor.yaml";

describe("executor validation messages", () => {
  it("explains Apple's 2-VM limit", () => {
    expect(executorErrors(executorYaml("tart:\n  numberOfVirtualMachines: 3"))).toEqual([
      `${F}:13:28 tart.numberOfVirtualMachines: must be at most 2 (Apple's Virtualization.framework runs at most 2 macOS VMs per Mac) — hint: set it to 2`,
    ]);
  });

  it("needs at least one VM", () => {
    expect(executorErrors(executorYaml("tart:\n  numberOfVirtualMachines: 0"))).toEqual([
      `${F}:13:28 tart.numberOfVirtualMachines: must be at least 1`,
    ]);
  });

  it("requires organizationName for the organization scope, pointing at the github block", () => {
    const yaml = executorYaml().replace("  organizationName: acme\n", "");
    expect(executorErrors(yaml)).toEqual([
      `${F}:2:1 github.organizationName: is required when github.runnerScope is organization — hint: set it to the organization's login exactly as GitHub shows it, e.g. acme`,
    ]);
  });

  it("requires owner and repository for the repo scope", () => {
    const yaml = executorYaml().replace("runnerScope: organization", "runnerScope: repo");
    const hint = "hint: for https://github.com/acme/app set ownerName: acme and repositoryName: app";
    expect(executorErrors(yaml)).toEqual([
      `${F}:2:1 github.ownerName: is required when github.runnerScope is repo — ${hint}`,
      `${F}:2:1 github.repositoryName: is required when github.runnerScope is repo — ${hint}`,
    ]);
  });

  it("names the allowed scopes and the likely one", () => {
    const yaml = executorYaml().replace("runnerScope: organization", "runnerScope: org");
    expect(executorErrors(yaml)).toEqual([
      `${F}:3:16 github.runnerScope: must be one of "organization", "repo", got "org" — hint: did you mean "organization"?`,
    ]);
  });

  it("rejects empty insecureDomains entries", () => {
    expect(executorErrors(executorYaml('tart:\n  insecureDomains:\n    - ghcr.io\n    - "  "'))).toEqual([
      `${F}:15:7 tart.insecureDomains[1]: must not be empty`,
    ]);
  });

  it("checks CPU and memory sizes, suggesting MB for small memory values", () => {
    expect(executorErrors(executorYaml("tart:\n  defaultCpu: 0\n  defaultMemory: 8"))).toEqual([
      `${F}:13:15 tart.defaultCpu: must be at least 1`,
      `${F}:14:18 tart.defaultMemory: must be at least 512 (the value is in megabytes) — hint: write 8192 for 8 GB`,
    ]);
  });

  it("keeps the default VM size within the budgets", () => {
    const yaml = executorYaml(
      "cpuLimit: 4\ntotalMemory: 8192\ntart:\n  defaultCpu: 6\n  defaultMemory: 16384",
    );
    expect(executorErrors(yaml)).toEqual([
      `${F}:15:15 tart.defaultCpu: must not exceed cpuLimit (4), or no VM with the default size could ever start — hint: lower it to 4 or raise cpuLimit`,
      `${F}:16:18 tart.defaultMemory: must not exceed totalMemory (8192 MB), or no VM with the default size could ever start — hint: lower it to 8192 or raise totalMemory`,
    ]);
  });

  it("checks ports", () => {
    expect(executorErrors(executorYaml().replace("port: 3250", "port: 70000"))).toEqual([
      `${F}:11:9 webhook.port: must be at most 65535`,
    ]);
    expect(executorErrors(executorYaml().replace("port: 3250", "port: 0"))).toEqual([
      `${F}:11:9 webhook.port: must be at least 1`,
    ]);
    expect(executorErrors(executorYaml("tart:\n  ssh:\n    port: 2.5"))).toEqual([
      `${F}:14:11 tart.ssh.port: must be a whole number, got 2.5`,
    ]);
  });

  it("hints at quotes around a number", () => {
    expect(executorErrors(executorYaml().replace("port: 3250", 'port: "3250"'))).toEqual([
      `${F}:11:9 webhook.port: must be a whole number, got "3250" — hint: remove the quotes around 3250`,
    ]);
  });

  it("checks the pull policy", () => {
    expect(executorErrors(executorYaml("tart:\n  pullPolicy: IfNotPresent"))).toEqual([
      `${F}:13:15 tart.pullPolicy: must be one of "always", "if-not-present", "never", got "IfNotPresent" — hint: did you mean "if-not-present"?`,
    ]);
  });

  it("checks the guest channel", () => {
    expect(executorErrors(executorYaml("tart:\n  guestChannel: agnet"))).toEqual([
      `${F}:13:17 tart.guestChannel: must be one of "auto", "agent", "ssh", got "agnet"`,
    ]);
    expect(parseExecutor(executorYaml("tart:\n  guestChannel: ssh")).tart.guestChannel).toBe("ssh");
  });

  it("takes runner.environment as text, and refuses names that are not variables or would replace the registration", () => {
    const withEnv = (lines: string): string =>
      executorYaml().replace("  labels: tartelet\n", `  labels: tartelet\n  environment:\n${lines}\n`);
    expect(
      parseExecutor(withEnv('    LANG: en_US.UTF-8\n    RETRIES: 3\n    QUOTED: "it\'s"')).runner.environment,
    ).toEqual({
      LANG: "en_US.UTF-8",
      RETRIES: "3",
      QUOTED: "it's",
    });
    expect(executorErrors(withEnv("    MY-VAR: x"))).toEqual([
      expect.stringMatching(
        /runner\.environment: variable names must be letters, digits and '_' and not start with a digit: "MY-VAR"/,
      ),
    ]);
    expect(executorErrors(withEnv("    ACTIONS_RUNNER_INPUT_JITCONFIG: x"))).toEqual([
      expect.stringMatching(/runner\.environment: ACTIONS_RUNNER_INPUT_JITCONFIG cannot be set/),
    ]);
  });

  it("requires image aliases to point to allowed images", () => {
    const yaml = executorYaml(
      "tart:\n  images:\n    allow: [ghcr.io/cirruslabs/*]\n    aliases:\n      xcode16: ghcr.io/cirruslabs/macos-sequoia-xcode:16\n      other: docker.io/evil/mac:1",
    );
    expect(executorErrors(yaml)).toEqual([
      `${F}:17:14 tart.images.aliases.other: points to "docker.io/evil/mac:1", which tart.images.allow does not allow — hint: add a matching pattern to tart.images.allow or change the alias`,
    ]);
  });

  it("rejects alias names that cannot be runs-on labels", () => {
    const yaml = executorYaml('tart:\n  images:\n    aliases:\n      "a b": ghcr.io/x/y:1');
    expect(executorErrors(yaml)).toEqual([
      `${F}:15:7 tart.images.aliases["a b"]: alias names are runs-on labels and must not be empty or contain spaces or commas`,
    ]);
  });

  it("refuses to start without a webhook secret unless verification is explicitly skipped", () => {
    const yaml = executorYaml().replace("  webhookSecret: s3cret\n", "");
    expect(executorErrors(yaml)).toEqual([
      `${F}:2:1 github.webhookSecret: is required: every webhook is checked against it (X-Hub-Signature-256) before a VM is started — hint: set it to your GitHub App's webhook secret, or set TART_EXECUTOR_WEBHOOK_SECRET; only on a trusted network, set webhook.insecureSkipSignatureVerification: true instead`,
    ]);
    const skipped = parseExecutor(
      yaml.replace("  port: 3250", "  port: 3250\n  insecureSkipSignatureVerification: true"),
    );
    expect(skipped.webhook.insecureSkipSignatureVerification).toBe(true);
    expect(skipped.github.webhookSecret).toBeUndefined();
  });

  it("rejects an empty webhook secret", () => {
    expect(executorErrors(executorYaml().replace("webhookSecret: s3cret", 'webhookSecret: ""'))).toEqual([
      `${F}:7:18 github.webhookSecret: must not be empty`,
    ]);
  });

  it("does not allow switching a timeout off", () => {
    expect(executorErrors(executorYaml("timeouts:\n  boot: 0"))).toEqual([
      `${F}:13:9 timeouts.boot: must be greater than 0 seconds — hint: it cannot be switched off; remove the key to use the default (180 s)`,
    ]);
    expect(executorErrors(executorYaml("timeouts:\n  jobMax: 9999999"))).toEqual([
      `${F}:13:11 timeouts.jobMax: must be at most 2147483 seconds (about 24 days, the longest a Node.js timer can wait)`,
    ]);
  });

  it("bounds retries", () => {
    expect(executorErrors(executorYaml("retries:\n  maxAttempts: 11\n  backoffSeconds: -1"))).toEqual([
      `${F}:13:16 retries.maxAttempts: must be at most 10`,
      `${F}:14:19 retries.backoffSeconds: must be at least 0`,
    ]);
  });

  it("requires http(s) URLs", () => {
    expect(
      executorErrors(executorYaml().replace("port: 3250", "port: 3250\n  routerUrl: 10.0.4.1:3251")),
    ).toEqual([
      `${F}:12:14 webhook.routerUrl: must be an http:// or https:// URL, got "10.0.4.1:3251" — hint: write the full URL including the scheme, e.g. http://10.0.4.2:3250`,
    ]);
  });

  it("points GitHub's website URL to the API", () => {
    const yaml = executorYaml().replace(
      "privateKey: key.pem",
      "privateKey: key.pem\n  apiUrl: https://github.com",
    );
    expect(executorErrors(yaml)).toEqual([
      `${F}:7:11 github.apiUrl: is the website, not the REST API — hint: use https://api.github.com (or https://HOST/api/v3 for GitHub Enterprise Server)`,
    ]);
  });

  it("requires the original's required keys", () => {
    const yaml = "tart:\n  isHeadless: true\n";
    expect(executorErrors(yaml)).toEqual([
      `${F} hostname: is required`,
      `${F} github: is required`,
      `${F} runner: is required`,
      `${F} webhook: is required`,
    ]);
    expect(executorErrors(executorYaml().replace("  appId: 42\n", ""))).toEqual([
      `${F}:2:1 github.appId: is required`,
    ]);
  });

  it("requires at least one label, and no commas inside list entries", () => {
    expect(executorErrors(executorYaml().replace("labels: tartelet", 'labels: " , "'))).toEqual([
      `${F}:9:11 runner.labels: must name at least one label — hint: e.g. labels: tartelet — jobs whose runs-on includes all of these labels are handled`,
    ]);
    expect(executorErrors(executorYaml().replace("labels: tartelet", 'labels: [tartelet, "a,b"]'))).toEqual([
      `${F}:9:22 runner.labels[1]: must not contain a comma (GitHub runner labels cannot) — hint: write each label as its own list entry`,
    ]);
  });

  it("checks mounts", () => {
    const yaml = executorYaml(
      "tart:\n  mounts:\n    - name: cache\n      path: /a:b\n    - name: cache\n      path: /c",
    );
    expect(executorErrors(yaml)).toEqual([
      `${F}:15:13 tart.mounts[0].path: must not contain ':' or ',' (tart run --dir uses them as separators)`,
    ]);
    const dup = executorYaml(
      "tart:\n  mounts:\n    - name: cache\n      path: /a\n    - name: cache\n      path: /c",
    );
    expect(executorErrors(dup)).toEqual([
      `${F}:16:13 tart.mounts[1].name: "cache" is already used by another mount — hint: give every mount its own name`,
    ]);
  });

  it("requires a registry password, from the file or the environment", () => {
    const yaml = executorYaml("tart:\n  registry:\n    hostname: registry.example.com\n    username: ci");
    expect(executorErrors(yaml)).toEqual([
      `${F}:13:3 tart.registry.password: is required with tart.registry.username — hint: set it here or in TART_EXECUTOR_REGISTRY_PASSWORD`,
    ]);
    const withScheme = executorYaml(
      "tart:\n  registry:\n    hostname: https://ghcr.io\n    username: ci\n    password: p",
    );
    expect(executorErrors(withScheme)).toEqual([
      `${F}:14:15 tart.registry.hostname: must be a registry host name such as ghcr.io, without scheme or path — hint: e.g. ghcr.io or registry.example.com:5000`,
    ]);
  });

  it("reports wrong types by what was written", () => {
    const yaml = executorYaml("cpuLimit: 2.5\ntart:\n  isHeadless: maybe\nlogging: [info]\nretries: 3");
    expect(executorErrors(yaml)).toEqual([
      `${F}:12:11 cpuLimit: must be a whole number, got 2.5`,
      `${F}:14:15 tart.isHeadless: must be true or false, got "maybe"`,
      `${F}:15:10 logging: must be a mapping, got a list`,
      `${F}:16:10 retries: must be a mapping, got 3`,
    ]);
  });

  it("names the log levels", () => {
    expect(executorErrors(executorYaml("logging:\n  level: warning"))).toEqual([
      `${F}:13:10 logging.level: must be one of "trace", "debug", "info", "warn", "error", got "warning" — hint: did you mean "warn"?`,
    ]);
  });

  it("bounds the body size", () => {
    expect(executorErrors(executorYaml().replace("port: 3250", "port: 3250\n  maxBodyBytes: 10"))).toEqual([
      `${F}:12:17 webhook.maxBodyBytes: must be at least 1024`,
    ]);
  });

  it("reports every problem at once, in file order", () => {
    const lines = executorErrors(
      executorYaml("tart:\n  numberOfVirtualMachines: 5\n  isHeadles: true").replace("port: 3250", "port: 0"),
    );
    expect(lines.map((l) => l.split(" ")[0])).toEqual([`${F}:11:9`, `${F}:13:28`, `${F}:14:3`]);
  });

  it("throws a ConfigError with code, exit code and structured issues", () => {
    const error = configErrorOf(() => parseExecutor(executorYaml("tart:\n  numberOfVirtualMachines: 3")));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.exitCode).toBe(78);
    expect(error.issues).toEqual([
      {
        file: F,
        path: "tart.numberOfVirtualMachines",
        line: 13,
        column: 28,
        message: "must be at most 2 (Apple's Virtualization.framework runs at most 2 macOS VMs per Mac)",
        hint: "set it to 2",
      },
    ]);
    expect(error.message).toBe(error.format());
  });
});
