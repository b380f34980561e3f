import { describe, expect, it } from "vitest";
import { resolveExecutorConfigPath, resolveRouterConfigPath } from "../../../src/config/index.js";
import { configErrorOf } from "./config-test-support.js";

const homedir = "/Users/ci";
const existing =
  (...paths: string[]) =>
  (path: string) =>
    paths.includes(path);

describe("finding tart-executor.yaml", () => {
  const all = existing(
    "/flag.yaml",
    "/env.yaml",
    "/Users/ci/tart-executor.yaml",
    "/opt/homebrew/etc/tart-executor.yaml",
    "/brew/etc/tart-executor.yaml",
  );
  const env = { TART_EXECUTOR_CONFIG: "/env.yaml", HOMEBREW_PREFIX: "/brew" };

  it("uses --config first", () => {
    expect(resolveExecutorConfigPath({ flag: "/flag.yaml", env, homedir, exists: all })).toEqual({
      path: "/flag.yaml",
      tried: ["/flag.yaml"],
    });
  });

  it("then $TART_EXECUTOR_CONFIG", () => {
    expect(resolveExecutorConfigPath({ env, homedir, exists: all }).path).toBe("/env.yaml");
  });

  it("then ~/tart-executor.yaml", () => {
    expect(resolveExecutorConfigPath({ env: { HOMEBREW_PREFIX: "/brew" }, homedir, exists: all })).toEqual({
      path: "/Users/ci/tart-executor.yaml",
      tried: ["/Users/ci/tart-executor.yaml"],
    });
  });

  it("then $HOMEBREW_PREFIX/etc/tart-executor.yaml", () => {
    const exists = existing("/brew/etc/tart-executor.yaml");
    expect(resolveExecutorConfigPath({ env: { HOMEBREW_PREFIX: "/brew" }, homedir, exists })).toEqual({
      path: "/brew/etc/tart-executor.yaml",
      tried: ["/Users/ci/tart-executor.yaml", "/brew/etc/tart-executor.yaml"],
    });
  });

  it("tries both Homebrew prefixes when HOMEBREW_PREFIX is unset (as under brew services)", () => {
    const exists = existing("/usr/local/etc/tart-executor.yaml");
    expect(resolveExecutorConfigPath({ env: {}, homedir, exists }).tried).toEqual([
      "/Users/ci/tart-executor.yaml",
      "/opt/homebrew/etc/tart-executor.yaml",
      "/usr/local/etc/tart-executor.yaml",
    ]);
  });

  it("expands ~ in --config", () => {
    const exists = existing("/Users/ci/conf/x.yaml");
    expect(resolveExecutorConfigPath({ flag: "~/conf/x.yaml", env: {}, homedir, exists }).path).toBe(
      "/Users/ci/conf/x.yaml",
    );
  });

  it("does not fall back when the file named by --config or the environment is missing", () => {
    const error = configErrorOf(() =>
      resolveExecutorConfigPath({ flag: "/nope.yaml", env, homedir, exists: all }),
    );
    expect(error.format()).toBe(
      "/nope.yaml: configuration file not found (named by --config) — hint: check the path given in --config",
    );
    const fromEnv = configErrorOf(() =>
      resolveExecutorConfigPath({ env: { TART_EXECUTOR_CONFIG: "/gone.yaml" }, homedir, exists: all }),
    );
    expect(fromEnv.format()).toBe(
      "/gone.yaml: configuration file not found (named by $TART_EXECUTOR_CONFIG) — hint: check the path given in $TART_EXECUTOR_CONFIG",
    );
  });

  it("names every path it tried when none exists", () => {
    const error = configErrorOf(() => resolveExecutorConfigPath({ env: {}, homedir, exists: existing() }));
    expect(error.exitCode).toBe(78);
    expect(error.format()).toBe(
      "tart-executor.yaml: no configuration file found; tried /Users/ci/tart-executor.yaml, /opt/homebrew/etc/tart-executor.yaml, /usr/local/etc/tart-executor.yaml — hint: copy tart-executor.example.yaml to /Users/ci/tart-executor.yaml, or pass --config PATH or set $TART_EXECUTOR_CONFIG",
    );
  });
});

describe("finding tart-router.yaml", () => {
  it("follows the same order with the router's names", () => {
    const exists = existing("/Users/ci/tart-router.yaml", "/r.yaml");
    expect(resolveRouterConfigPath({ env: {}, homedir, exists }).path).toBe("/Users/ci/tart-router.yaml");
    expect(resolveRouterConfigPath({ env: { TART_ROUTER_CONFIG: "/r.yaml" }, homedir, exists }).path).toBe(
      "/r.yaml",
    );
    expect(resolveRouterConfigPath({ env: { TART_EXECUTOR_CONFIG: "/r.yaml" }, homedir, exists }).path).toBe(
      "/Users/ci/tart-router.yaml",
    );
    const none = configErrorOf(() =>
      resolveRouterConfigPath({ env: { HOMEBREW_PREFIX: "/b" }, homedir, exists: existing() }),
    );
    expect(none.issues[0]?.message).toBe(
      "no configuration file found; tried /Users/ci/tart-router.yaml, /b/etc/tart-router.yaml",
    );
  });
});
