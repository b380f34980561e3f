/**
 * Power-loss detection. In a real VM a power cut takes the runner with it; the simulated runner
 * is a host process, so it checks every 500 ms that its VM (the `tart run` process) is alive and
 * is not shutting down, and otherwise dies at once, without reporting anything to the service.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { POWER_OFF_MARKER } from "../guest-paths.js";

/** Starts the watchdog when running inside a simulated guest (TART_SIM_VM_PID is set). */
export function startWatchdog(env: NodeJS.ProcessEnv, intervalMs = 500): void {
  const vmPid = Number(env["TART_SIM_VM_PID"]);
  if (!Number.isInteger(vmPid) || vmPid <= 0) return;
  const vmDir = env["TART_SIM_VM_DIR"];
  const timer = setInterval(() => {
    if (isAlive(vmPid) && (vmDir === undefined || !existsSync(path.join(vmDir, POWER_OFF_MARKER)))) return;
    process.kill(process.pid, "SIGKILL");
  }, intervalMs);
  timer.unref();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
