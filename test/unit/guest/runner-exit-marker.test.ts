import { describe, expect, it } from "vitest";
import { parseRunnerExitMarker, RUNNER_EXIT_MARKER } from "../../../src/guest/runner-exit-marker.js";

describe("parseRunnerExitMarker", () => {
  it("reads the exit code from the marker line", () => {
    expect(RUNNER_EXIT_MARKER).toBe("__TART_EXECUTOR_RUNNER_EXIT__");
    expect(parseRunnerExitMarker("__TART_EXECUTOR_RUNNER_EXIT__ 0")).toBe(0);
    expect(parseRunnerExitMarker("__TART_EXECUTOR_RUNNER_EXIT__ 143\r")).toBe(143);
  });

  it("ignores every other line", () => {
    expect(parseRunnerExitMarker("runner| __TART_EXECUTOR_RUNNER_EXIT__ 0")).toBeNull();
    expect(parseRunnerExitMarker("__TART_EXECUTOR_RUNNER_EXIT__ ")).toBeNull();
    expect(parseRunnerExitMarker("√ Connected to GitHub")).toBeNull();
  });
});
