import { describe, expect, it } from "vitest";
import { runExecutorDoctorCommand, runRouterDoctorCommand } from "../../../src/cli/doctor-command.js";
import { startDoctorWorld } from "./doctor-world.js";

describe("doctor commands", () => {
  it("prints the executor report and exits 0 when nothing FAILs, 1 when something does", async () => {
    const w = await startDoctorWorld();
    try {
      const out: string[] = [];
      const run = (configFlag: string) =>
        runExecutorDoctorCommand({
          configFlag,
          color: false,
          env: w.deps.env,
          write: (text) => out.push(text),
          deps: w.deps,
        });
      expect(await run(w.world.writeExecutorConfig(0))).toBe(0);
      expect(out.join("")).toMatch(/^PASS {2}config {15}\S+tart-executor-1\.yaml is valid\n/);
      out.length = 0;
      expect(await run(w.world.writeExecutorConfig(0, { github: { appId: "not a number" } }))).toBe(1);
      expect(out.join("")).toContain("FAIL  github app");
    } finally {
      await w.close();
    }
  });

  it("names the file it looked for when there is no configuration", async () => {
    const out: string[] = [];
    const code = await runRouterDoctorCommand({
      configFlag: "/nonexistent/tart-router.yaml",
      color: false,
      env: {},
      write: (text) => out.push(text),
    });
    expect(code).toBe(1);
    expect(out.join("").split("\n").slice(0, 2)).toEqual([
      "FAIL  config         /nonexistent/tart-router.yaml: 1 problem",
      "                     → /nonexistent/tart-router.yaml: configuration file not found (named by --config) — hint: check the path given in --config",
    ]);
  });
});
