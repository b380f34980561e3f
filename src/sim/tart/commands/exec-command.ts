/**
 * `tart exec [-i] [-t] <name> <command> [args…]`: runs the command in the running VM's guest (in
 * the login user's home, with the guest session environment), streams its output to our stdout
 * and stderr, and exits with its exit code. Needs the guest agent, which answers on
 * `control.sock` once the guest has booted.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import type { TartCommand } from "../cli/command-spec.js";
import { ExitWithCode, TartFailure, TartRuntimeError, vmNotRunning } from "../cli/errors.js";
import { isAlive } from "../state/process-liveness.js";
import type { ProcessIdentity } from "../state/process-liveness.js";
import { probeControlSocket } from "../run/control-socket.js";
import { readImageInfo } from "../storage/image-info.js";
import { openLocal } from "../storage/local-storage.js";
import type { VmDirectory } from "../storage/vm-directory.js";
import { constants } from "node:os";
import { AGENT_PATH, AGENT_TERM } from "../../guest/guest-agent-files.js";
import { GUEST_SHELL, hostPathList } from "../../guest/guest-paths.js";

const NO_AGENT =
  "Failed to connect to the VM using its control socket: The operation couldn’t be completed. (GRPC.GRPCConnectionPoolError error 1.), is the Tart Guest Agent running?";

export const execCommand: TartCommand = {
  spec: {
    name: "exec",
    abstract: "Execute a command in a running VM",
    args: [
      {
        type: "flag",
        long: "interactive",
        short: "i",
        shortOnly: true,
        help: "Attach host's standard input to a remote command",
      },
      {
        type: "flag",
        long: "tty",
        short: "t",
        shortOnly: true,
        help: "Allocate a remote pseudo-terminal (PTY)",
      },
      { type: "positional", name: "name", help: "VM name" },
      { type: "positional", name: "command", help: "Command to execute", passthrough: true },
    ],
  },
  run: async (args, ctx) => {
    const name = args.positional("name");
    const vm = openLocal(ctx.home(), name);
    const record = vm.runRecord();
    if (record === undefined) throw vmNotRunning(name);
    if (!(await probeControlSocket(vm.controlSocketPath))) throw new TartRuntimeError(NO_AGENT);
    const [command = "", ...rest] = args.positionals("command");
    // `bash -c 'exec "$@"'` keeps the argv as given (the agent does not involve a shell either).
    const child = spawn("bash", ["-c", 'exec "$@"', "bash", command, ...rest], {
      cwd: guestHome(vm),
      env: guestEnv(vm, record.pid),
      stdio: [args.flag("interactive") ? "inherit" : "ignore", "inherit", "inherit"],
    });
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once("error", () => resolve({ code: 127, signal: null }));
      child.once("exit", (code, signal) => resolve({ code, signal }));
    });
    if (exit.signal !== null && (await vmWentDown(record))) {
      // The VM lost power under the command: the agent's stream breaks, tart reports the gRPC error.
      throw new TartFailure("unavailable (14): Transport became inactive");
    }
    throw new ExitWithCode(
      exit.code ?? 128 + (exit.signal === null ? 0 : (constants.signals[exit.signal] ?? 0)),
    );
  },
};

/** Whether the VM's run process ends shortly after the command was killed (a power cut did it). */
async function vmWentDown(run: ProcessIdentity): Promise<boolean> {
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline) {
    if (!isAlive(run)) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

function guestHome(vm: VmDirectory): string {
  const home = path.join(vm.base, "guest", "Users", readImageInfo(vm.base).username);
  return existsSync(home) ? home : vm.base;
}

/** The agent's environment (launchd's, from its plist): see src/sim/guest/guest-agent-files.ts. */
function guestEnv(vm: VmDirectory, runPid: number): NodeJS.ProcessEnv {
  const username = readImageInfo(vm.base).username;
  const root = path.join(vm.base, "guest");
  return {
    PATH: hostPathList(root, AGENT_PATH),
    TERM: AGENT_TERM,
    HOME: guestHome(vm),
    USER: username,
    LOGNAME: username,
    SHELL: GUEST_SHELL,
    TMPDIR: `${path.join(root, "private", "tmp")}/`,
    TART_SIM_GUEST: `${vm.name}:${runPid}`,
    TART_SIM_VM_PID: String(runPid),
    TART_SIM_VM_NAME: vm.name,
    TART_SIM_VM_DIR: vm.base,
    TART_SIM_ROOT: root,
  };
}
