/** The command lines of a guest's live processes, found by its marker (what close() kills). */
import { readFileSync } from "node:fs";
import { findProcessesWithEnv } from "../../../../src/sim/guest/kill-guest-processes.js";
import { guestMarker } from "../../../../src/sim/guest/guest-session-env.js";

export function guestCommandLines(vmName: string): string[] {
  const lines: string[] = [];
  for (const pid of findProcessesWithEnv(guestMarker(vmName))) {
    try {
      const state = /^State:\s+(\w)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
      if (state === "Z") continue;
      lines.push(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim());
    } catch {
      // exited meanwhile
    }
  }
  return lines;
}
