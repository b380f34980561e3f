/**
 * `tart run <name>`: validate (opening the VM), claim it under the global lock, then block for
 * the VM's lifetime. Exit codes: 0 for every orderly end, 1 for start failures, 2 when the VM is
 * already running.
 */
import type { TartCommand } from "../cli/command-spec.js";
import { ExitWithCode } from "../cli/errors.js";
import { claimVm } from "./claim-vm.js";
import { validateRun } from "./run-options.js";
import { runSpec } from "./run-spec.js";
import { VmSession } from "./vm-session.js";
import type { SessionHooks } from "./vm-session.js";

export function runCommand(hooks: SessionHooks): TartCommand {
  return {
    spec: runSpec,
    validate: (args, ctx) => {
      validateRun(args, ctx);
    },
    run: async (args, ctx) => {
      const options = validateRun(args, ctx);
      const claim = await claimVm(ctx, options);
      const code = await new VmSession(ctx, claim, options.suspendable, hooks).run();
      if (code !== 0) throw new ExitWithCode(code);
    },
  };
}
