import { describe, expect, it } from "vitest";
import { loadExecutorConfig, loadRouterConfig } from "../../../src/config/index.js";
import {
  configErrorOf,
  executorErrors,
  executorYaml,
  parseExecutor,
  routerErrors,
} from "./config-test-support.js";

const F = "/Users/ci/config/tart-executor.yaml";
const failingRead = (code: string) => () => {
  throw Object.assign(new Error(`${code}: failed`), { code });
};

describe("YAML and file problems", () => {
  it("reports a YAML syntax error with its line and column", () => {
    expect(executorErrors('hostname: "mac-1\ntart:\n  isHeadless: true\n')).toEqual([
      `${F}:4:1: YAML syntax error: Missing closing "quote`,
    ]);
    expect(executorErrors("hostname: mac-1\nrunner:\n  labels: [a, b\nwebhook:\n  port: 1\n")).toEqual([
      `${F}:4:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ] — hint: check the indentation of this line against its parent`,
    ]);
  });

  it("reports one error per mistake", () => {
    expect(
      executorErrors("hostname: mac-1\ntart:\n  isHeadless: true\n   numberOfVirtualMachines: 2\n"),
    ).toEqual([
      `${F}:3:15: YAML syntax error: Nested mappings are not allowed in compact mappings — hint: check the indentation; a value may be indented under the wrong key`,
    ]);
  });

  it("reports an alias to an anchor that does not exist", () => {
    expect(executorErrors(executorYaml("apiToken: *token"))).toEqual([
      `${F}:12:11: YAML error: Unresolved alias (the anchor must be set before the alias): token`,
    ]);
  });

  it("reports duplicate keys", () => {
    expect(executorErrors(executorYaml("hostname: again"))).toEqual([
      `${F}:12:1: YAML syntax error: Map keys must be unique — hint: each key may appear only once in a mapping; remove or merge the duplicate`,
    ]);
  });

  it("reports tabs used for indentation", () => {
    expect(executorErrors("tart:\n\tisHeadless: true\n")[0]).toMatch(
      /^\/Users\/ci\/config\/tart-executor\.yaml:2:1: YAML syntax error: /,
    );
  });

  it("reports an empty file", () => {
    expect(executorErrors("# nothing yet\n")).toEqual([
      `${F}: the file is empty — hint: start from tart-executor.example.yaml`,
    ]);
    expect(routerErrors("")).toEqual([
      "/Users/ci/config/tart-router.yaml: the file is empty — hint: start from tart-router.example.yaml",
    ]);
  });

  it("reports a file that is not a mapping", () => {
    expect(executorErrors("- hostname: mac-1\n")).toEqual([
      `${F}:1:1: must be a mapping of settings (key: value lines)`,
    ]);
  });

  it("honours anchors, aliases and merge keys, which the original's YAML decoder did", () => {
    const yaml = executorYaml(
      "apiToken: *shared\ntart:\n  ssh:\n    username: runner\n    <<: {password: pw}",
    ).replace("port: 3250", "port: 3250\n  routerToken: &shared tok");
    const config = parseExecutor(yaml);
    expect(config.apiToken).toBe("tok");
    expect(config.tart.ssh).toEqual({ username: "runner", password: "pw", port: 22 });
  });

  it("names a missing file and why it cannot be read", () => {
    const error = configErrorOf(() =>
      loadExecutorConfig("/Users/ci/tart-executor.yaml", {
        env: {},
        homedir: "/Users/ci",
        readFile: failingRead("ENOENT"),
      }),
    );
    expect(error.format()).toBe(
      "/Users/ci/tart-executor.yaml: cannot read the configuration: file not found — hint: check the path, or pass --config PATH",
    );
    expect(error.cause).toBeInstanceOf(Error);
    const denied = configErrorOf(() =>
      loadRouterConfig("/r.yaml", { env: {}, homedir: "/Users/ci", readFile: failingRead("EACCES") }),
    );
    expect(denied.format()).toBe(
      "/r.yaml: cannot read the configuration: permission denied — hint: make the file readable by the user the daemon runs as",
    );
  });

  it("loads through the injected readFile", () => {
    const config = loadExecutorConfig("/etc/x/tart-executor.yaml", {
      env: {},
      homedir: "/Users/ci",
      readFile: (path) => (path === "/etc/x/tart-executor.yaml" ? executorYaml() : ""),
    });
    expect(config.github.privateKeyPath).toBe("/etc/x/key.pem");
  });
});
