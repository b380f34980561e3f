/**
 * Watches for the power-off marker the guest's `shutdown`/`halt` stand-ins create, and reports
 * it once, `delayMs` later (the time a real macOS takes from `shutdown -h now` to power-off).
 */
import { readFileSync } from "node:fs";

export interface PowerOffWatch {
  stop(): void;
}

export function watchPowerOff(
  marker: string,
  delayMs: number,
  onPowerOff: (reason: string) => void,
  pollMs = 50,
): PowerOffWatch {
  let delay: NodeJS.Timeout | undefined;
  const poll = setInterval(() => {
    let reason: string;
    try {
      reason = readFileSync(marker, "utf8").trim();
    } catch {
      return; // not yet
    }
    clearInterval(poll);
    delay = setTimeout(() => onPowerOff(reason === "" ? "guest powered off" : reason), delayMs);
  }, pollMs);
  return {
    stop() {
      clearInterval(poll);
      if (delay !== undefined) clearTimeout(delay);
    },
  };
}
