/** tart's subcommands in the order `tart --help` lists them. */
import type { TartCommand } from "./cli/command-spec.js";
import { cloneCommand } from "./commands/clone-command.js";
import { createCommand } from "./commands/create-command.js";
import { deleteCommand } from "./commands/delete-command.js";
import { execCommand } from "./commands/exec-command.js";
import { fqnCommand } from "./commands/fqn-command.js";
import { getCommand } from "./commands/get-command.js";
import { ipCommand } from "./commands/ip-command.js";
import { listCommand } from "./commands/list-command.js";
import { loginCommand } from "./commands/login-command.js";
import { logoutCommand } from "./commands/logout-command.js";
import { pruneCommand } from "./commands/prune-command.js";
import { pullCommand } from "./commands/pull-command.js";
import { renameCommand } from "./commands/rename-command.js";
import { setCommand } from "./commands/set-command.js";
import { stopCommand } from "./commands/stop-command.js";
import { suspendCommand } from "./commands/suspend-command.js";
import { unsupportedCommand } from "./commands/unsupported-command.js";
import { runCommand } from "./run/run-command.js";
import type { SessionHooks } from "./run/vm-session.js";

export function commandTable(hooks: SessionHooks): readonly TartCommand[] {
  return [
    createCommand,
    cloneCommand,
    runCommand(hooks),
    setCommand,
    getCommand,
    listCommand,
    loginCommand,
    logoutCommand,
    ipCommand,
    execCommand,
    pullCommand,
    unsupportedCommand("push", "Push a VM to a registry"),
    unsupportedCommand("import", "Import VM from a compressed .tvm file"),
    unsupportedCommand("export", "Export VM to a compressed .tvm file"),
    pruneCommand,
    renameCommand,
    stopCommand,
    deleteCommand,
    fqnCommand,
    suspendCommand,
  ];
}
