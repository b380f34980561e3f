/** `tart suspend <name>`: SIGUSR1 to the `tart run` process; completion is that process exiting. */
import type { TartCommand } from "../cli/command-spec.js";
import { TartRuntimeError } from "../cli/errors.js";
import { openLocal } from "../storage/local-storage.js";

export const suspendCommand: TartCommand = {
  spec: {
    name: "suspend",
    abstract: "Suspend a VM",
    args: [{ type: "positional", name: "name", help: "VM name" }],
  },
  run: async (args, ctx) => {
    const name = args.positional("name");
    const record = openLocal(ctx.home(), name).runRecord();
    // tart wraps the message twice here: `VM "VM "x" is not running" is not running`.
    if (record === undefined)
      throw new TartRuntimeError(`VM "VM "${name}" is not running" is not running`, 2);
    try {
      process.kill(record.pid, "SIGUSR1");
    } catch {
      throw new TartRuntimeError(
        `Failed to suspend the VM: failed to send SIGUSR1 signal to the "tart run" process running VM "${name}"`,
      );
    }
  },
};
