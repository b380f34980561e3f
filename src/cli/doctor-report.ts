/**
 * What `doctor` prints: one line per check (`PASS  config  …`), the fix indented under any WARN
 * or FAIL, and a summary. The exit code is 1 when anything FAILed, so scripts and CI can gate on it.
 */
import type { DoctorCheck, DoctorStatus } from "../doctor/doctor-check.js";
import { painter, type Tone } from "./status-style.js";

const TONES: Readonly<Record<DoctorStatus, Tone>> = { PASS: "green", WARN: "yellow", FAIL: "red" };

export function formatDoctorReport(checks: readonly DoctorCheck[], options: { color: boolean }): string {
  const paint = painter(options.color);
  const width = Math.max(0, ...checks.map((check) => check.name.length));
  const indent = " ".repeat(6 + width + 2);
  const lines: string[] = [];
  for (const check of checks) {
    lines.push(`${paint(check.status, TONES[check.status])}  ${check.name.padEnd(width)}  ${check.detail}`);
    if (check.hint !== undefined && check.status !== "PASS")
      lines.push(...check.hint.split("\n").map((line, i) => `${indent}${i === 0 ? "→ " : "  "}${line}`));
  }
  lines.push("", summary(checks, paint));
  return `${lines.join("\n")}\n`;
}

function summary(checks: readonly DoctorCheck[], paint: ReturnType<typeof painter>): string {
  const count = (status: DoctorStatus): number => checks.filter((check) => check.status === status).length;
  const [passed, warned, failed] = [count("PASS"), count("WARN"), count("FAIL")];
  const totals = `${passed} passed, ${warned} ${warned === 1 ? "warning" : "warnings"}, ${failed} failed`;
  if (failed > 0) return `${paint(totals, "red")}: fix the FAIL lines and run doctor again`;
  if (warned > 0) return `${paint(totals, "yellow")}: nothing blocks the daemon; read the warnings`;
  return paint(totals, "green");
}

export function doctorExitCode(checks: readonly DoctorCheck[]): number {
  return checks.some((check) => check.status === "FAIL") ? 1 : 0;
}
