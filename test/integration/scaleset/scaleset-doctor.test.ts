import { afterEach, describe, expect, it } from "vitest";
import { scaleSetDoctorCheck } from "../../../src/cli/scaleset-doctor-check.js";
import { parseExecutorConfig } from "../../../src/config/index.js";
import { ensureScaleSet } from "../../../src/scaleset/scale-set-api.js";
import { LABELS, ORG, privateKeyPem, startScaleSetWorld, type ScaleSetWorld } from "./scaleset-world.js";

let world: ScaleSetWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const configFor = (w: ScaleSetWorld, runnerGroup = "default") =>
  parseExecutorConfig(
    [
      "hostname: mac-1",
      "github:",
      "  runnerScope: organization",
      `  organizationName: ${ORG}`,
      "  appId: 1001",
      "  privateKey: key.pem",
      `  apiUrl: ${w.github.apiUrl}`,
      "  jobSource: scaleset",
      "  scaleSet:",
      `    runnerGroup: ${runnerGroup}`,
      "runner:",
      `  labels: ${LABELS.join(", ")}`,
      "webhook:",
      "  port: 3250",
    ].join("\n"),
    "/tmp/tart-executor.yaml",
    { env: {}, homedir: "/tmp" },
  );

describe("doctor's scale-set check", () => {
  it("warns before the scale set exists, passes once it does, fails for an unknown runner group", async () => {
    world = await startScaleSetWorld();
    const w = world;
    const before = await scaleSetDoctorCheck(configFor(w), privateKeyPem);
    expect(before).toMatchObject({ status: "WARN", hint: "the daemon creates it when it starts" });
    expect(before.detail).toContain('scale set "mac-1" does not exist yet');
    await ensureScaleSet(w.connection(), { name: "mac-1", runnerGroup: "default", labels: LABELS });
    const after = await scaleSetDoctorCheck(configFor(w), privateKeyPem);
    expect(after.status).toBe("PASS");
    expect(after.detail).toMatch(/scale set "mac-1" \(id \d+\) in runner group default/);
    const wrong = await scaleSetDoctorCheck(configFor(w, "nope"), privateKeyPem);
    expect(wrong.status).toBe("FAIL");
    expect(wrong.detail).toContain('no runner group named "nope"');
  });
});
