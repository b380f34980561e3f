import { describe, expect, it } from "vitest";
import { executorErrors, executorYaml, routerErrors, routerYaml } from "./config-test-support.js";

const F = "/Users/ci/config/tart-executor.yaml";

describe("unknown keys", () => {
  it("are errors that name the key and suggest the closest known one", () => {
    const yaml = executorYaml().replace("labels: tartelet", "labels: tartelet\n  label: fast");
    expect(executorErrors(yaml)).toEqual([
      `${F}:10:3 runner.label: unknown key "label" — hint: did you mean "labels"?`,
    ]);
  });

  it("catch typos at any depth, including inside list entries", () => {
    const yaml = executorYaml(
      "tart:\n  isHeadles: true\n  mounts:\n    - name: c\n      path: /c\n      readonly: true",
    );
    expect(executorErrors(yaml)).toEqual([
      `${F}:13:3 tart.isHeadles: unknown key "isHeadles" — hint: did you mean "isHeadless"?`,
      `${F}:17:7 tart.mounts[0].readonly: unknown key "readonly" — hint: did you mean "readOnly"?`,
    ]);
  });

  it("point to the right level when the key exists elsewhere", () => {
    expect(executorErrors(executorYaml("webhookSecret: abc\nnumberOfVirtualMachines: 2"))).toEqual([
      `${F}:12:1 webhookSecret: unknown key "webhookSecret" — hint: did you mean "github.webhookSecret"? It belongs at another level`,
      `${F}:13:1 numberOfVirtualMachines: unknown key "numberOfVirtualMachines" — hint: did you mean "tart.numberOfVirtualMachines"? It belongs at another level`,
    ]);
    expect(executorErrors(executorYaml("port: 3250"))).toEqual([
      `${F}:12:1 port: unknown key "port" — hint: did you mean "tart.ssh.port" or "webhook.port"? It belongs at another level`,
    ]);
  });

  it("list the known keys when nothing is close", () => {
    expect(executorErrors(executorYaml("retries:\n  attemptsPerJob: 2"))).toEqual([
      `${F}:13:3 retries.attemptsPerJob: unknown key "attemptsPerJob" — hint: known keys here: maxAttempts, backoffSeconds`,
    ]);
  });

  it("are reported even when written without a value", () => {
    expect(executorErrors(executorYaml("timeout:"))).toEqual([
      `${F}:12:1 timeout: unknown key "timeout" — hint: did you mean "timeouts"?`,
    ]);
  });

  it("include keys the new server does not need, such as webhook.path", () => {
    const yaml = executorYaml().replace("port: 3250", "port: 3250\n  path: /hook");
    expect(executorErrors(yaml)).toEqual([
      `${F}:12:3 webhook.path: unknown key "path" — hint: known keys here: port, host, routerUrl, localUrl, maxBodyBytes, insecureSkipSignatureVerification, routerToken`,
    ]);
  });

  it("are errors in the router file too", () => {
    expect(routerErrors(routerYaml("    prio: 1"))).toEqual([
      `/Users/ci/config/tart-router.yaml:9:5 hosts[0].prio: unknown key "prio" — hint: did you mean "priority"?`,
    ]);
  });
});
