/**
 * Runs one SSH `exec` (or `shell`) request in the guest with the user's shell, as sshd's do_child
 * does: `zsh -c <command>` for exec (not a login shell: no profile is read), a login `zsh -l`
 * reading stdin for shell. It runs in its own session and process group, streams stdin/stdout/stderr over the channel, and reports the exit status
 * or signal. When the channel goes away first, the process group gets SIGHUP, as a lost login
 * session does: foreground work dies, `nohup … &` and `setsid` survive.
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import type { ServerChannel } from "ssh2";
import { GUEST_SHELL, hostPath } from "./guest-paths.js";

export interface GuestCommand {
  /** Sends `signal` to the command's process group if it is still running. */
  signal(signal: NodeJS.Signals): void;
  /** The session is gone: SIGHUP the process group and stop streaming. */
  hangUp(): void;
}

export interface GuestCommandOptions {
  /** The guest's `/` on the host (its /bin/zsh runs the command). */
  readonly root: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
}

export function runGuestCommand(
  channel: ServerChannel,
  command: string | undefined,
  options: GuestCommandOptions,
): GuestCommand {
  // No command: a login shell reading commands from stdin (what `ssh host < script` does without a pty).
  const child = spawn(hostPath(options.root, GUEST_SHELL), command === undefined ? ["-l"] : ["-c", command], {
    cwd: options.cwd,
    env: options.env,
    detached: true, // setsid(): its own session and process group, as sshd gives every session
    stdio: ["pipe", "pipe", "pipe"],
  });
  let finished = false;
  let hungUp = false;

  const signalGroup = (signal: NodeJS.Signals): void => {
    if (finished || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is already gone
    }
  };

  channel.pipe(child.stdin);
  child.stdin.on("error", () => {
    // the command exited without reading all of its input (EPIPE), as `head` does
  });
  child.stdout.pipe(channel, { end: false });
  child.stderr.pipe(channel.stderr, { end: false });

  child.on("error", (error) => {
    options.log(`sshd: cannot run command: ${error.message}`);
    finished = true;
    if (!hungUp) {
      channel.stderr.write(`zsh: ${error.message}\n`);
      channel.exit(127);
      channel.end();
    }
  });

  // 'close' (not 'exit'): like sshd, wait until the command's output pipes are drained and closed,
  // which means a background child that keeps stdout open keeps the session open too.
  child.on("close", (code, signal) => {
    finished = true;
    if (hungUp) return;
    if (code !== null) channel.exit(code);
    else if (signal !== null) sendExitSignal(channel, signal);
    channel.end();
  });

  const hangUp = (): void => {
    if (hungUp) return;
    hungUp = true;
    signalGroup("SIGHUP");
    // sshd closes its ends of the pipes; later writes by survivors get SIGPIPE/EPIPE.
    channel.unpipe(child.stdin);
    child.stdout.unpipe(channel);
    child.stderr.unpipe(channel.stderr);
    child.stdout.destroy();
    child.stderr.destroy();
    child.stdin.destroy();
  };
  channel.on("close", hangUp);

  return { signal: signalGroup, hangUp };
}

function sendExitSignal(channel: ServerChannel, signal: NodeJS.Signals): void {
  try {
    channel.exit(signal, false, "");
  } catch {
    // ssh2 only knows the signals RFC 4254 names; report the others as a shell does
    channel.exit(128 + constants.signals[signal]);
  }
}
