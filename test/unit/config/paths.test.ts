import { describe, expect, it } from "vitest";
import { parseExecutorConfig } from "../../../src/config/index.js";
import { executorYaml, parseExecutor, parseRouter, routerYaml } from "./config-test-support.js";

describe("paths in the config file", () => {
  it("expands ~ to the home directory given by the caller", () => {
    const yaml = executorYaml("tart:\n  homeFolder: ~/tart\n  ssh:\n    privateKey: ~/.ssh/id").replace(
      "privateKey: key.pem",
      "privateKey: ~/keys/app.pem",
    );
    const config = parseExecutor(yaml);
    expect(config.github.privateKeyPath).toBe("/Users/ci/keys/app.pem");
    expect(config.tart.homeFolder).toBe("/Users/ci/tart");
    expect(config.tart.ssh.privateKeyPath).toBe("/Users/ci/.ssh/id");
  });

  it("resolves relative paths against the config file's folder, not the working directory", () => {
    const config = parseExecutor(
      executorYaml("stateDirectory: state\ntart:\n  mounts:\n    - name: c\n      path: ../cache"),
    );
    expect(config.github.privateKeyPath).toBe("/Users/ci/config/key.pem");
    expect(config.stateDirectory).toBe("/Users/ci/config/state");
    expect(config.tart.mounts).toEqual([{ name: "c", path: "/Users/ci/cache", readOnly: false }]);
  });

  it("keeps absolute paths as written", () => {
    const yaml = executorYaml().replace("privateKey: key.pem", "privateKey: /etc/tart/app.pem");
    expect(parseExecutor(yaml).github.privateKeyPath).toBe("/etc/tart/app.pem");
  });

  it("keeps relative paths relative when the file name is relative", () => {
    const config = parseExecutorConfig(executorYaml(), "conf/tart-executor.yaml", { env: {}, homedir: "/h" });
    expect(config.github.privateKeyPath).toBe("conf/key.pem");
  });

  it("treats a bare tart executable as a command name and anything else as a path", () => {
    expect(parseExecutor(executorYaml("tart:\n  executable: tart")).tart.executable).toBe("tart");
    expect(parseExecutor(executorYaml("tart:\n  executable: ~/bin/tart")).tart.executable).toBe(
      "/Users/ci/bin/tart",
    );
    expect(parseExecutor(executorYaml("tart:\n  executable: bin/tart")).tart.executable).toBe(
      "/Users/ci/config/bin/tart",
    );
  });

  it("defaults the router's state directory to ~/.tart-router", () => {
    expect(parseRouter(routerYaml()).stateDirectory).toBe("/Users/ci/.tart-router");
    expect(parseRouter(routerYaml("stateDirectory: ~/r")).stateDirectory).toBe("/Users/ci/r");
  });
});
