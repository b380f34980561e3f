/**
 * The VM machine's reports, carried out: ledger events (vm-phase, vm-failed), phase metrics, log
 * lines and the VM's outcome count. They answer nothing back to the machine.
 */
import type { Logger } from "pino";
import type { Clock } from "../../clock.js";
import type { LedgerEvent } from "../model.js";
import type { VmMachineEffect } from "./vm-machine-effect.js";
import type { VmOutcome } from "./vm-machine-state.js";

const REPORTS = new Set(["ledger-phase", "ledger-failed", "observe", "log", "count"] as const);
type ReportType = typeof REPORTS extends Set<infer T> ? T : never;
export type ReportEffect = Extract<VmMachineEffect, { type: ReportType }>;

export function isReport(effect: VmMachineEffect): effect is ReportEffect {
  return (REPORTS as ReadonlySet<string>).has(effect.type);
}

export interface ReportSinks {
  readonly vm: string;
  readonly clock: Clock;
  /** The VM's logger (its lines carry the VM and its job). */
  readonly log: Logger;
  readonly emit: (event: LedgerEvent) => void;
  readonly observe: (metric: Extract<ReportEffect, { type: "observe" }>["metric"], seconds: number) => void;
  readonly countVm?: (outcome: VmOutcome) => void;
}

export function report(effect: ReportEffect, to: ReportSinks): void {
  switch (effect.type) {
    case "ledger-phase":
      return to.emit({
        type: "vm-phase",
        at: to.clock.now(),
        vm: to.vm,
        phase: effect.phase,
        ...(effect.runnerId === undefined ? {} : { runnerId: effect.runnerId }),
      });
    case "ledger-failed":
      return to.emit({ type: "vm-failed", at: to.clock.now(), vm: to.vm, reason: effect.reason });
    case "observe":
      return to.observe(effect.metric, effect.seconds);
    case "log":
      return to.log[effect.level](effect.fields ?? {}, effect.message);
    case "count":
      return to.countVm?.(effect.outcome);
  }
}
