import { describe, expect, it } from "vitest";
import { executorYaml, parseExecutor, parseRouter, routerYaml } from "./config-test-support.js";

const withoutSecret = executorYaml().replace("  webhookSecret: s3cret\n", "");

describe("secrets from the environment", () => {
  it("takes the executor's webhook secret from TART_EXECUTOR_WEBHOOK_SECRET when the file has none", () => {
    const config = parseExecutor(withoutSecret, { TART_EXECUTOR_WEBHOOK_SECRET: "from-env" });
    expect(config.github.webhookSecret).toBe("from-env");
  });

  it("prefers the file's webhook secret over the environment", () => {
    const config = parseExecutor(executorYaml(), { TART_EXECUTOR_WEBHOOK_SECRET: "from-env" });
    expect(config.github.webhookSecret).toBe("s3cret");
  });

  it("treats an empty environment variable as unset", () => {
    expect(() => parseExecutor(withoutSecret, { TART_EXECUTOR_WEBHOOK_SECRET: "" })).toThrow(
      /github\.webhookSecret: is required/,
    );
  });

  it("takes the registry password from TART_EXECUTOR_REGISTRY_PASSWORD, the file winning", () => {
    const registry = "tart:\n  registry:\n    hostname: registry.example.com:5000\n    username: ci";
    const env = { TART_EXECUTOR_REGISTRY_PASSWORD: "env-pw" };
    expect(parseExecutor(executorYaml(registry), env).tart.registry).toEqual({
      hostname: "registry.example.com:5000",
      username: "ci",
      password: "env-pw",
    });
    expect(
      parseExecutor(executorYaml(`${registry}\n    password: file-pw`), env).tart.registry?.password,
    ).toBe("file-pw");
  });

  it("takes the router's webhook secret from TART_ROUTER_WEBHOOK_SECRET, the file winning", () => {
    const withoutRouterSecret = routerYaml().replace("webhookSecret: s3cret\n", "");
    expect(parseRouter(withoutRouterSecret, { TART_ROUTER_WEBHOOK_SECRET: "env" }).webhookSecret).toBe("env");
    expect(parseRouter(routerYaml(), { TART_ROUTER_WEBHOOK_SECRET: "env" }).webhookSecret).toBe("s3cret");
  });

  it("ignores the other daemon's variable", () => {
    expect(() => parseExecutor(withoutSecret, { TART_ROUTER_WEBHOOK_SECRET: "router" })).toThrow(
      /webhookSecret: is required/,
    );
  });
});
