import { describe, expect, it } from "vitest";
import { tartEnvironment } from "../../../src/tart/tart-environment.js";

describe("tartEnvironment", () => {
  it("passes the daemon's environment on without its own secrets, with TART_HOME and CI=1", () => {
    const env = tartEnvironment(
      {
        PATH: "/opt/homebrew/bin:/usr/bin",
        TART_REGISTRY_HOSTNAME: "ghcr.io",
        TART_EXECUTOR_WEBHOOK_SECRET: "s3cret",
        TART_EXECUTOR_REGISTRY_PASSWORD: "hunter2",
        TART_ROUTER_WEBHOOK_SECRET: "other",
        UNSET: undefined,
      },
      "/Volumes/fast/tart",
    );
    expect(env).toEqual({
      PATH: "/opt/homebrew/bin:/usr/bin",
      TART_REGISTRY_HOSTNAME: "ghcr.io",
      TART_HOME: "/Volumes/fast/tart",
      CI: "1",
    });
  });

  it("leaves TART_HOME alone when the configuration sets none", () => {
    expect(tartEnvironment({ TART_HOME: "/Users/ci/.tart" }, undefined)).toEqual({
      TART_HOME: "/Users/ci/.tart",
      CI: "1",
    });
  });
});
