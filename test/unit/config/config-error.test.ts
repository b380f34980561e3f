import { describe, expect, it } from "vitest";
import { CONFIG_EXIT_CODE, ConfigError, formatConfigIssue } from "../../../src/config/index.js";

describe("ConfigError", () => {
  it("formats an issue as file:line:col path: message — hint", () => {
    expect(
      formatConfigIssue({
        file: "tart-executor.yaml",
        path: "tart.numberOfVirtualMachines",
        line: 12,
        column: 3,
        message: "must be at most 2 (Apple's Virtualization.framework runs at most 2 macOS VMs per Mac)",
        hint: "set it to 2",
      }),
    ).toBe(
      "tart-executor.yaml:12:3 tart.numberOfVirtualMachines: must be at most 2 (Apple's Virtualization.framework runs at most 2 macOS VMs per Mac) — hint: set it to 2",
    );
  });

  it("leaves out what is not known", () => {
    expect(formatConfigIssue({ file: "x.yaml", path: "hostname", message: "is required" })).toBe(
      "x.yaml hostname: is required",
    );
    expect(formatConfigIssue({ file: "x.yaml", path: "", line: 2, column: 1, message: "bad" })).toBe(
      "x.yaml:2:1: bad",
    );
  });

  it("orders issues by position and exits with EX_CONFIG", () => {
    const error = new ConfigError([
      { file: "x.yaml", path: "b", line: 9, column: 1, message: "second" },
      { file: "x.yaml", path: "a", line: 2, column: 5, message: "first" },
      { file: "x.yaml", path: "c", message: "no position" },
    ]);
    expect(error.format().split("\n")).toEqual([
      "x.yaml c: no position",
      "x.yaml:2:5 a: first",
      "x.yaml:9:1 b: second",
    ]);
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.exitCode).toBe(CONFIG_EXIT_CODE);
    expect(CONFIG_EXIT_CODE).toBe(78);
    expect(error.name).toBe("ConfigError");
  });
});
