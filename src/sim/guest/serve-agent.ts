/**
 * The Tart Guest Agent inside a simulated guest: one `Exec` per control-socket connection, as
 * tart-guest-agent `internal/rpc/exec.go` does it. The command is `exec.CommandContext(name,
 * args…)`: no shell; a name without `/` is looked up on the agent's PATH, a guest absolute path
 * names a file on the guest's disk; environment and working directory are the agent's (launchd's,
 * guest-agent-files.ts). Without `-i` stdin is /dev/null; with it, client chunks are written and an
 * empty chunk closes stdin. With `-t` stdout and stderr share one stream (no real pty here). The
 * exit code is the command's, -1 when a signal killed it. When the client goes away, the stream's
 * context is cancelled and the command is killed (SIGKILL), as CommandContext does.
 */
import { spawn } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import type { Socket } from "node:net";
import path from "node:path";
import type { AgentCommand } from "./agent-protocol.js";
import { exitPayload, Frame, readFrames, writeFrame } from "./agent-protocol.js";
import { AGENT_PATH, AGENT_TERM } from "./guest-agent-files.js";
import type { GuestIdentity } from "./guest-session-env.js";
import { guestMarkers } from "./guest-session-env.js";
import { GUEST_SHELL, hostPath, hostPathList } from "./guest-paths.js";

/** The agent's process environment: its plist's PATH and TERM plus launchd's per-user variables. */
export function agentEnvironment(guest: GuestIdentity): Record<string, string> {
  return {
    PATH: hostPathList(guest.paths.root, AGENT_PATH),
    TERM: AGENT_TERM,
    HOME: guest.paths.home,
    USER: guest.username,
    LOGNAME: guest.username,
    SHELL: GUEST_SHELL,
    TMPDIR: `${guest.paths.tmpDir}/`,
    ...guestMarkers(guest),
  };
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Go's exec.LookPath on the agent's PATH; an error text like Go's when there is none. */
function lookPath(guest: GuestIdentity, env: Record<string, string>, name: string): string | Error {
  if (name.includes("/")) {
    const file = name.startsWith("/")
      ? hostPath(guest.paths.root, name)
      : path.resolve(guest.paths.home, name);
    return isExecutableFile(file) ? file : new Error(`fork/exec ${name}: no such file or directory`);
  }
  for (const dir of (env["PATH"] ?? "").split(":")) {
    const file = path.join(dir, name);
    if (dir !== "" && isExecutableFile(file)) return file;
  }
  return new Error(`exec: "${name}": executable file not found in $PATH`);
}

export function serveAgentConnection(
  socket: Socket,
  guest: GuestIdentity,
  log: (line: string) => void,
): void {
  socket.on("error", () => undefined);
  writeFrame(socket, Frame.Hello);
  let started = false;
  let stdinOpen = false;
  let child: ReturnType<typeof spawn> | undefined;
  readFrames(socket, (type, payload) => {
    if (type === Frame.Command && !started) {
      started = true;
      const command = JSON.parse(payload.toString()) as AgentCommand;
      child = run(command);
      return;
    }
    if (type === Frame.Stdin && child !== undefined && stdinOpen) {
      if (payload.length === 0) {
        stdinOpen = false;
        child.stdin?.end();
      } else child.stdin?.write(payload);
    }
  });
  // The client went away: the stream's context is cancelled and CommandContext kills the command.
  socket.on("close", () => {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });

  function run(command: AgentCommand): ReturnType<typeof spawn> | undefined {
    const env = agentEnvironment(guest);
    log(`agent: executing ${JSON.stringify([command.name, ...command.args])}`);
    const file = lookPath(guest, env, command.name);
    if (file instanceof Error) {
      writeFrame(socket, Frame.Error, `unknown (2): ${file.message}`);
      socket.end();
      return undefined;
    }
    const spawned = spawn(file, [...command.args], {
      argv0: command.name,
      cwd: guest.paths.home,
      env,
      stdio: [command.interactive ? "pipe" : "ignore", "pipe", "pipe"],
    });
    stdinOpen = command.interactive;
    spawned.stdin?.on("error", () => undefined);
    spawned.stdout?.on("data", (chunk: Buffer) => writeFrame(socket, Frame.Stdout, chunk));
    spawned.stderr?.on("data", (chunk: Buffer) =>
      writeFrame(socket, command.tty ? Frame.Stdout : Frame.Stderr, chunk),
    );
    spawned.on("error", (error) => {
      writeFrame(socket, Frame.Error, `unknown (2): ${error.message}`);
      socket.end();
    });
    // The agent reports the exit as soon as the process has been waited for (Go's cmd.Wait closes
    // the pipes): a background child still holding stdout does not keep the exec open. Output
    // already on its way is given a moment to arrive first.
    let reported = false;
    const report = (code: number | null): void => {
      if (reported) return;
      reported = true;
      // Go's ExitError.ExitCode(): -1 when a signal ended the process.
      writeFrame(socket, Frame.Exit, exitPayload(code ?? -1));
      socket.end();
    };
    spawned.on("exit", (code) => {
      const timer = setTimeout(() => report(code), 200);
      spawned.once("close", () => {
        clearTimeout(timer);
        report(code);
      });
    });
    return spawned;
  }
}
