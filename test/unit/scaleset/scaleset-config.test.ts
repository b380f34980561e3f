import { describe, expect, it } from "vitest";
import { executorErrors, parseExecutor } from "../config/config-test-support.js";

const withoutSecret = (extra: string): string =>
  [
    "hostname: Mac-Mini.local",
    "github:",
    "  runnerScope: organization",
    "  organizationName: acme",
    "  appId: 42",
    "  privateKey: key.pem",
    extra,
    "runner:",
    "  labels: tartelet, sequoia",
    "webhook:",
    "  port: 3250",
  ].join("\n");

describe("github.jobSource and github.scaleSet", () => {
  it("defaults to webhook mode, where the webhook secret is required", () => {
    expect(executorErrors(withoutSecret("")).join("\n")).toMatch(/github\.webhookSecret/);
  });

  it("in scaleset mode needs no webhook secret and derives the scale set from the hostname and runner labels", () => {
    const config = parseExecutor(withoutSecret("  jobSource: scaleset"));
    expect(config.github.jobSource).toBe("scaleset");
    expect(config.github.scaleSet).toEqual({
      name: "mac-mini-local",
      runnerGroup: "default",
      labels: ["tartelet", "sequoia"],
    });
  });

  it("takes an explicit name, runner group and labels", () => {
    const config = parseExecutor(
      withoutSecret(
        [
          "  jobSource: scaleset",
          "  scaleSet:",
          "    name: fleet-a",
          "    runnerGroup: macs",
          "    labels: [tart, xcode]",
        ].join("\n"),
      ),
    );
    expect(config.github.scaleSet).toEqual({
      name: "fleet-a",
      runnerGroup: "macs",
      labels: ["tart", "xcode"],
    });
  });

  it("names an unknown job source and an unknown scaleSet key", () => {
    expect(executorErrors(withoutSecret("  jobSource: polling")).join("\n")).toMatch(/jobSource/);
    expect(
      executorErrors(withoutSecret("  jobSource: scaleset\n  scaleSet:\n    nmae: x")).join("\n"),
    ).toMatch(/nmae/);
  });
});
