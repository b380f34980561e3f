/**
 * `tart delete <name>…`: in order, stopping at the first failure. A local VM needs its
 * config.json (else "does not exist", even if the directory is there) and must not be running;
 * a name that parses as a remote name deletes that OCI cache entry.
 */
import { existsSync, rmSync } from "node:fs";
import type { TartCommand } from "../cli/command-spec.js";
import { TartRuntimeError, vmDoesNotExist } from "../cli/errors.js";
import { localVm } from "../storage/local-storage.js";
import { ociDelete } from "../storage/oci-storage.js";
import { tryRemoteName } from "../storage/remote-name.js";

export const deleteCommand: TartCommand = {
  spec: {
    name: "delete",
    abstract: "Delete a VM",
    args: [{ type: "positional", name: "name", help: "VM name", repeating: true }],
  },
  run: async (args, ctx) => {
    const home = ctx.home();
    for (const name of args.positionals("name")) {
      const remote = tryRemoteName(name);
      if (remote !== undefined) {
        ociDelete(home, remote);
        continue;
      }
      const vm = localVm(home, name);
      if (!existsSync(vm.configPath)) throw vmDoesNotExist(name);
      if (vm.running()) throw new TartRuntimeError(`VM "${name}" is running`);
      rmSync(vm.base, { recursive: true, force: true });
    }
  },
};
