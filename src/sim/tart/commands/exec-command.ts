/**
 * `tart exec [-i] [-t] <name> <command> [args…]`, as tart's `Exec.swift` does it: open the VM (a
 * missing one exits 2), require it running (`VM "<n>" is not running`, exit 2), then connect to
 * the guest agent through `control.sock`. When no agent answers within the gRPC pool's wait
 * (`delays.agentWaitMs`, 5 s), it fails with `Failed to connect to the VM using its control
 * socket: …, is the Tart Guest Agent running?` (exit 1): a VM still booting, or an image without
 * the agent. Otherwise it sends the command, streams stdin with `-i` (EOF closes the command's
 * stdin), writes the agent's stdout/stderr chunks to ours, and exits with the command's exit code
 * (255 for a command killed by a signal: the agent reports -1). An agent error (command not found)
 * and a VM that loses power mid-command end as gRPC errors (exit 1).
 */
import type { Socket } from "node:net";
import { Frame, readFrames, writeFrame } from "../../guest/agent-protocol.js";
import type { TartCommand } from "../cli/command-spec.js";
import { ExitWithCode, TartFailure, TartRuntimeError, vmNotRunning } from "../cli/errors.js";
import { sleep } from "../io/sleep.js";
import { connectAgent } from "../run/control-socket.js";
import { openLocal } from "../storage/local-storage.js";

/** GRPCConnectionPoolError bridged to NSError, as Foundation's localizedDescription renders it [derived]. */
const NO_AGENT =
  "Failed to connect to the VM using its control socket: The operation couldn’t be completed. (GRPC.GRPCConnectionPoolError error 1.), is the Tart Guest Agent running?";
const TRANSPORT_LOST = "unavailable (14): Transport became inactive";
const RETRY_MS = 100;

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
    if (!vm.running()) throw vmNotRunning(name);
    const deadline = Date.now() + ctx.config().delays.agentWaitMs;
    let socket: Socket | undefined;
    for (;;) {
      socket = await connectAgent(vm.controlSocketPath, Math.max(1, deadline - Date.now()));
      if (socket !== undefined || Date.now() >= deadline) break;
      await sleep(RETRY_MS, ctx.cancel);
    }
    if (socket === undefined) throw new TartRuntimeError(NO_AGENT);
    const [command = "", ...rest] = args.positionals("command");
    const interactive = args.flag("interactive");
    writeFrame(
      socket,
      Frame.Command,
      JSON.stringify({ name: command, args: rest, interactive, tty: args.flag("tty") }),
    );
    if (interactive) streamStdin(socket);
    const outcome = await follow(socket);
    if (outcome.kind === "exit") throw new ExitWithCode(outcome.code & 0xff);
    throw new TartFailure(outcome.kind === "error" ? outcome.message : TRANSPORT_LOST);
  },
};

type Outcome = { kind: "exit"; code: number } | { kind: "error"; message: string } | { kind: "lost" };

/** Copies the agent's output to ours until it reports the end, or the connection breaks. */
function follow(socket: Socket): Promise<Outcome> {
  return new Promise((resolve) => {
    let outcome: Outcome = { kind: "lost" };
    readFrames(socket, (type, payload) => {
      if (type === Frame.Stdout) process.stdout.write(payload);
      else if (type === Frame.Stderr) process.stderr.write(payload);
      else if (type === Frame.Exit) outcome = { kind: "exit", code: payload.readInt32BE(0) };
      else if (type === Frame.Error) outcome = { kind: "error", message: payload.toString() };
    });
    socket.on("error", () => undefined);
    socket.once("close", () => resolve(outcome));
  });
}

/** `-i`: our stdin goes to the command, then an empty chunk for EOF. */
function streamStdin(socket: Socket): void {
  process.stdin.on("data", (chunk: Buffer) => {
    if (chunk.length > 0 && !socket.destroyed) writeFrame(socket, Frame.Stdin, chunk);
  });
  process.stdin.once("end", () => {
    if (!socket.destroyed) writeFrame(socket, Frame.Stdin);
  });
  process.stdin.on("error", () => undefined);
}
