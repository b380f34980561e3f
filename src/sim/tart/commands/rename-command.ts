/**
 * `tart rename <name> <new-name>`: local only. Its two checks are ValidationErrors thrown while
 * running, so they print the root usage (exit 64). It does not check whether the VM is running.
 */
import { renameSync } from "node:fs";
import type { TartCommand } from "../cli/command-spec.js";
import { TartValidationError } from "../cli/errors.js";
import { localExists, localVm } from "../storage/local-storage.js";

export const renameCommand: TartCommand = {
  spec: {
    name: "rename",
    abstract: "Rename a local VM",
    args: [
      { type: "positional", name: "name", help: "VM name" },
      { type: "positional", name: "new-name", help: "new VM name" },
    ],
  },
  validate: (args) => {
    if (args.positional("new-name").includes("/"))
      throw new TartValidationError("<new-name> should be a local name");
  },
  run: async (args, ctx) => {
    const home = ctx.home();
    const name = args.positional("name");
    const newName = args.positional("new-name");
    if (!localExists(home, name))
      throw new TartValidationError(`failed to rename a non-existent local VM: ${name}`);
    if (localExists(home, newName)) {
      throw new TartValidationError(
        `failed to rename VM ${name}, target VM ${newName} already exists, delete it first!`,
      );
    }
    renameSync(localVm(home, name).base, localVm(home, newName).base);
  },
};
