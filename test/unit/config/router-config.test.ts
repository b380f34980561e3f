import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadRouterConfig } from "../../../src/config/index.js";
import { parseRouter, routerErrors, routerYaml } from "./config-test-support.js";

const F = "/Users/ci/config/tart-router.yaml";
const fixture = (name: string) => new URL(`../../fixtures/config/${name}`, import.meta.url).pathname;

describe("the original README's tart-router.yaml", () => {
  const config = loadRouterConfig(fixture("original-router.yaml"), {
    env: { TART_ROUTER_WEBHOOK_SECRET: "from-env" },
    homedir: "/Users/server",
    readFile: (path) => readFileSync(path, "utf8"),
  });

  it("loads unchanged, reading the README's `label:` as labels", () => {
    expect(config.hostname).toBe("macbook-router");
    expect(config.labels).toEqual(["tartelet"]);
    expect(config.port).toBe(3251);
    expect(config.webhookSecret).toBe("from-env");
  });

  it("keeps the hosts in priority order with their URLs", () => {
    expect(config.hosts).toEqual([
      { hostname: "server-1", url: "http://127.0.0.1:3250", priority: 0 },
      { hostname: "server-2", url: "http://10.0.4.2:3250", priority: 1 },
      { hostname: "server-3", url: "http://10.0.4.3:3250", priority: 2 },
    ]);
  });
});

describe("router config", () => {
  it("has these defaults", () => {
    const config = parseRouter(routerYaml());
    expect(config).toEqual({
      hostname: "router-1",
      labels: ["tartelet"],
      host: "0.0.0.0",
      port: 3251,
      hosts: [{ hostname: "mac-1", url: "http://10.0.0.1:3250", priority: 0 }],
      webhookSecret: "s3cret",
      insecureSkipSignatureVerification: false,
      stateDirectory: "/Users/ci/.tart-router",
      logging: { level: "info" },
      statusIntervalMs: 5000,
      forwardTimeoutMs: 5000,
      hostBackoff: { initialMs: 5000, maxMs: 60_000 },
      maxBodyBytes: 1_048_576,
    });
  });

  it("keeps every original and new key", () => {
    const config = parseRouter(
      [
        "hostname: r",
        "labels: [tartelet, fast]",
        "port: 8080",
        "host: 127.0.0.1",
        "loggingEndpoint: https://logs.example.com/",
        "apiToken: tok",
        "webhookSecret: s",
        "executorToken: e",
        "stateDirectory: state",
        "logging: {level: debug}",
        "statusIntervalSeconds: 2.5",
        "forwardTimeoutSeconds: 3",
        "hostBackoff: {initialSeconds: 1, maxSeconds: 30}",
        "maxBodyBytes: 2048",
        "hosts:",
        "  - {hostname: b, url: http://b:3250/, priority: 5, cpuLimit: 8, memoryLimit: 16384}",
        "  - {hostname: a, url: https://a, priority: -1}",
        "  - {hostname: c, url: http://c:3250, priority: 5}",
      ].join("\n"),
    );
    expect(config).toMatchObject({
      labels: ["tartelet", "fast"],
      port: 8080,
      host: "127.0.0.1",
      loggingEndpoint: "https://logs.example.com",
      apiToken: "tok",
      executorToken: "e",
      stateDirectory: "/Users/ci/config/state",
      logging: { level: "debug" },
      statusIntervalMs: 2500,
      forwardTimeoutMs: 3000,
      hostBackoff: { initialMs: 1000, maxMs: 30_000 },
      maxBodyBytes: 2048,
    });
    // Lower priority first; equal priorities keep the file's order.
    expect(config.hosts).toEqual([
      { hostname: "a", url: "https://a", priority: -1 },
      { hostname: "b", url: "http://b:3250", priority: 5, cpuLimit: 8, memoryLimit: 16_384 },
      { hostname: "c", url: "http://c:3250", priority: 5 },
    ]);
  });

  it("rejects label and labels together", () => {
    expect(routerErrors(routerYaml("label: other"))).toEqual([
      `${F}:9:1 label: cannot be used together with labels — hint: keep only labels`,
    ]);
  });

  it("requires labels", () => {
    expect(routerErrors(routerYaml().replace("labels: tartelet\n", ""))).toEqual([
      `${F} labels: is required — hint: e.g. labels: tartelet — the router forwards jobs whose runs-on includes all of them`,
    ]);
  });

  it("requires at least one host", () => {
    expect(routerErrors(routerYaml().replace(/hosts:[\s\S]*$/, "hosts: []"))).toEqual([
      `${F}:5:8 hosts: must list at least 1 entry`,
    ]);
  });

  it("requires unique hostnames and URLs", () => {
    const yaml = routerYaml("  - hostname: MAC-1\n    url: http://10.0.0.1:3250/\n    priority: 1");
    expect(routerErrors(yaml)).toEqual([
      `${F}:9:15 hosts[1].hostname: "MAC-1" is already used by hosts[0] — hint: every host needs its own hostname (the one its executor reports)`,
      `${F}:10:10 hosts[1].url: "http://10.0.0.1:3250" is already used by hosts[0] — hint: remove the duplicate entry`,
    ]);
  });

  it("requires http(s) host URLs and a priority", () => {
    const yaml = routerYaml("  - hostname: mac-2\n    url: mac-2.local:3250");
    expect(routerErrors(yaml)).toEqual([
      `${F}:9:5 hosts[1].priority: is required`,
      `${F}:10:10 hosts[1].url: must be an http:// or https:// URL, got "mac-2.local:3250" — hint: write the full URL including the scheme, e.g. http://10.0.4.2:3250`,
    ]);
  });

  it("requires a webhook secret unless verification is skipped", () => {
    const yaml = routerYaml().replace("webhookSecret: s3cret\n", "");
    expect(routerErrors(yaml)).toEqual([
      `${F} webhookSecret: is required: every webhook is checked against it (X-Hub-Signature-256) before it is forwarded — hint: set it to your GitHub App's webhook secret, or set TART_ROUTER_WEBHOOK_SECRET; only on a trusted network, set insecureSkipSignatureVerification: true instead`,
    ]);
    expect(parseRouter(`${yaml}\ninsecureSkipSignatureVerification: true`).webhookSecret).toBeUndefined();
  });

  it("keeps the first backoff pause within the longest", () => {
    expect(routerErrors(routerYaml("hostBackoff:\n  initialSeconds: 90"))).toEqual([
      `${F}:10:19 hostBackoff.initialSeconds: must not exceed hostBackoff.maxSeconds (60) — hint: lower it, or raise hostBackoff.maxSeconds to at least 90`,
    ]);
  });

  it("checks the router's own port and intervals", () => {
    expect(routerErrors(routerYaml("statusIntervalSeconds: 0").replace("port: 3251", "port: 65536"))).toEqual(
      [
        `${F}:3:7 port: must be at most 65535`,
        `${F}:9:24 statusIntervalSeconds: must be greater than 0 seconds — hint: it cannot be switched off; remove the key to use the default (5 s)`,
      ],
    );
  });
});

describe("router config: the GitHub App (github)", () => {
  const github = (...lines: string[]) =>
    routerYaml(["github:", ...lines.map((line) => `  ${line}`)].join("\n"));

  it("is optional", () => {
    expect(parseRouter(routerYaml()).github).toBeUndefined();
  });

  it("takes the executor's keys: appId as written, privateKey as a path, apiUrl defaulting to api.github.com", () => {
    expect(parseRouter(github("appId: 1234567", "privateKey: keys/app.pem")).github).toEqual({
      appId: "1234567",
      privateKeyPath: "/Users/ci/config/keys/app.pem",
      apiUrl: "https://api.github.com",
    });
    expect(
      parseRouter(github("appId: '42'", "privateKey: ~/app.pem", "apiUrl: https://ghe.example.com/api/v3/"))
        .github,
    ).toEqual({
      appId: "42",
      privateKeyPath: "/Users/ci/app.pem",
      apiUrl: "https://ghe.example.com/api/v3",
    });
  });

  it("names the file and the key of what is missing or wrong", () => {
    expect(routerErrors(github("appId: 42"))).toEqual([`${F}:9:1 github.privateKey: is required`]);
    expect(routerErrors(github("privateKey: app.pem", "apiUrl: github.com/api"))).toEqual([
      `${F}:9:1 github.appId: is required`,
      `${F}:11:11 github.apiUrl: must be an http:// or https:// URL, got "github.com/api" — hint: write the full URL including the scheme, e.g. http://10.0.4.2:3250`,
    ]);
    expect(routerErrors(github("appId: 42", "privateKey: app.pem", "apiUrl: https://github.com"))).toEqual([
      `${F}:12:11 github.apiUrl: is the website, not the REST API — hint: use https://api.github.com (or https://HOST/api/v3 for GitHub Enterprise Server)`,
    ]);
  });

  it("points keys of the executor's github section that the router does not use to where they belong", () => {
    expect(
      routerErrors(
        github("appId: 42", "privateKey: app.pem", "webhookSecret: s3cret", "runnerScope: organization"),
      ),
    ).toEqual([
      `${F}:12:3 github.webhookSecret: unknown key "webhookSecret" — hint: did you mean "webhookSecret"? It belongs at another level`,
      `${F}:13:3 github.runnerScope: unknown key "runnerScope" — hint: known keys here: appId, privateKey, apiUrl`,
    ]);
  });
});
