/**
 * `tart stop <name> [--timeout S]`: SIGINT to the `tart run` process, poll until it is gone, and
 * after the timeout SIGKILL it and return without waiting. A suspended VM loses its saved state.
 */
import { rmSync } from "node:fs";
import { UINT } from "../cli/command-spec.js";
import type { TartCommand } from "../cli/command-spec.js";
import { TartRuntimeError, vmNotRunning } from "../cli/errors.js";
import { sleep } from "../io/sleep.js";
import { openLocal } from "../storage/local-storage.js";

export const stopCommand: TartCommand = {
  spec: {
    name: "stop",
    abstract: "Stop a VM",
    args: [
      { type: "positional", name: "name", help: "VM name" },
      {
        type: "option",
        long: "timeout",
        short: "t",
        valueName: "timeout",
        help: "Seconds to wait for graceful termination before forcefully terminating the VM",
        value: UINT,
        defaultText: "30",
      },
    ],
  },
  run: async (args, ctx) => {
    const name = args.positional("name");
    const vm = openLocal(ctx.home(), name);
    const state = vm.state();
    if (state === "suspended") {
      rmSync(vm.statePath, { force: true });
      return;
    }
    const record = vm.runRecord();
    if (state === "stopped" || record === undefined) throw vmNotRunning(name);
    try {
      process.kill(record.pid, "SIGINT");
    } catch {
      // it may be exiting already; the poll below decides
    }
    const deadline = Date.now() + (args.number("timeout") ?? 30) * 1000;
    const pollMs = ctx.config().delays.stopPollMs;
    while (Date.now() < deadline) {
      if (vm.runRecord() === undefined) return;
      await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())), ctx.cancel);
    }
    if (vm.runRecord() === undefined) return;
    try {
      process.kill(record.pid, "SIGKILL");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const details = code === "ESRCH" ? "No such process" : "Operation not permitted";
      throw new TartRuntimeError(`failed to forcefully terminate the VM "${name}": ${details}`);
    }
  },
};
