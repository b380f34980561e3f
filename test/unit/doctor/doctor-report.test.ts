import { describe, expect, it } from "vitest";
import { doctorExitCode, formatDoctorReport } from "../../../src/cli/doctor-report.js";
import { fail, pass, warn } from "../../../src/doctor/doctor-check.js";

const checks = [
  pass("config", "/opt/homebrew/etc/tart-executor.yaml is valid"),
  fail("tart", "not found on PATH", "brew install openai/tools/tart"),
  warn("dhcp lease", "VM leases last 86400 s", "first line\nsecond line"),
  pass("ssh", "password login", "never shown for a PASS"),
];

describe("formatDoctorReport", () => {
  it("prints one aligned line per check, the fix under WARN and FAIL, and a summary", () => {
    expect(formatDoctorReport(checks, { color: false })).toBe(
      [
        "PASS  config      /opt/homebrew/etc/tart-executor.yaml is valid",
        "FAIL  tart        not found on PATH",
        "                  → brew install openai/tools/tart",
        "WARN  dhcp lease  VM leases last 86400 s",
        "                  → first line",
        "                    second line",
        "PASS  ssh         password login",
        "",
        "2 passed, 1 warning, 1 failed: fix the FAIL lines and run doctor again",
        "",
      ].join("\n"),
    );
  });

  it("colours the verdicts when asked", () => {
    const text = formatDoctorReport(checks.slice(0, 2), { color: true });
    expect(text.split("\n")[0]).toBe(
      "\u001b[32mPASS\u001b[39m  config  /opt/homebrew/etc/tart-executor.yaml is valid",
    );
    expect(text.split("\n")[1]).toBe("\u001b[31mFAIL\u001b[39m  tart    not found on PATH");
  });

  it("summarises warnings-only and all-clear runs", () => {
    expect(formatDoctorReport([checks[2]!], { color: false }).trimEnd().split("\n").at(-1)).toBe(
      "0 passed, 1 warning, 0 failed: nothing blocks the daemon; read the warnings",
    );
    expect(formatDoctorReport([checks[0]!], { color: false }).trimEnd().split("\n").at(-1)).toBe(
      "1 passed, 0 warnings, 0 failed",
    );
  });
});

describe("doctorExitCode", () => {
  it("is 1 when anything FAILed and 0 otherwise", () => {
    expect(doctorExitCode(checks)).toBe(1);
    expect(doctorExitCode([checks[0]!, checks[2]!])).toBe(0);
  });
});
