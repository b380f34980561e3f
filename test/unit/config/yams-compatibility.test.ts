import { describe, expect, it } from "vitest";
import { executorErrors, executorYaml, parseExecutor } from "./config-test-support.js";

// The original decoded YAML with Yams, which decides by the field's type: text fields take any
// scalar as written, booleans also take yes/no/on/off. Files that relied on that keep working.
describe("scalars read the way the original read them", () => {
  it("keeps numbers written in text fields exactly as written", () => {
    const yaml = executorYaml(
      "tart:\n  ssh:\n    username: 007\n    password: 1e3\n  insecureDomains: [10.0, 1.10]",
    );
    const config = parseExecutor(yaml);
    expect(config.tart.ssh).toMatchObject({ username: "007", password: "1e3" });
    expect(config.tart.insecureDomains).toEqual(["10.0", "1.10"]);
  });

  it("keeps true/false written in text fields as text", () => {
    expect(parseExecutor(executorYaml("tart:\n  ssh:\n    password: true")).tart.ssh.password).toBe("true");
  });

  it("reads a numeric label as a label", () => {
    expect(parseExecutor(executorYaml().replace("labels: tartelet", "labels: 2024")).runner.labels).toEqual([
      "2024",
    ]);
  });

  it("does not turn arbitrary text into booleans", () => {
    expect(executorErrors(executorYaml("tart:\n  isHeadless: y"))).toEqual([
      '/Users/ci/config/tart-executor.yaml:13:15 tart.isHeadless: must be true or false, got "y"',
    ]);
  });

  it("accepts fractional seconds and keeps a tiny positive duration above zero", () => {
    const config = parseExecutor(executorYaml("timeouts:\n  idle: 0.25\n  boot: 0.0001"));
    expect(config.timeouts.idleMs).toBe(250);
    expect(config.timeouts.bootMs).toBe(1);
  });
});
