/**
 * One SSH connection to a simulated guest: password authentication with the image's login, then
 * sessions whose `exec` request runs `zsh -c <command>` and whose `shell` request runs a login
 * zsh reading commands from stdin (OpenSSH session.c do_child). `pty-req` is accepted (its TERM is
 * passed on; no real terminal is allocated), `env` is applied for LANG/LC_* only (macOS's
 * `AcceptEnv LANG LC_*`), `signal` is forwarded.
 */
import type { Connection, ServerChannel, Session, SessionAccept } from "ssh2";
import type { GuestIdentity, SshEndpoints } from "./guest-session-env.js";
import { guestSessionEnv, isAcceptedClientEnv } from "./guest-session-env.js";
import type { GuestCommand } from "./run-guest-command.js";
import { runGuestCommand } from "./run-guest-command.js";

export interface GuestConnectionOptions {
  readonly guest: GuestIdentity;
  readonly password: string;
  /** The sshAuthFail fault: every password is wrong. */
  readonly rejectAll: boolean;
  /** The sshAuthEarly fault: until this time (epoch ms) every password is wrong. */
  readonly rejectUntilMs: number;
  readonly endpoints: SshEndpoints;
  /** Called when a command starts (the sshDrop fault counts from here). */
  readonly onCommandStart: () => void;
  readonly log: (line: string) => void;
}

export function serveGuestConnection(client: Connection, options: GuestConnectionOptions): void {
  const { guest, endpoints, log } = options;
  const from = `${endpoints.clientIp} port ${endpoints.clientPort}`;
  const commands = new Set<GuestCommand>();

  client.on("error", (error) => log(`sshd: connection from ${from}: ${error.message}`));
  client.on("authentication", (context) => {
    if (context.method !== "password") {
      context.reject(["password"]);
      return;
    }
    const early = Date.now() < options.rejectUntilMs;
    if (early) log(`sshd: refusing authentication early in boot (fault sshAuthEarly)`);
    if (
      !options.rejectAll &&
      !early &&
      context.username === guest.username &&
      context.password === options.password
    ) {
      log(`sshd: Accepted password for ${context.username} from ${from} ssh2`);
      context.accept();
      return;
    }
    log(`sshd: Failed password for ${context.username} from ${from} ssh2`);
    context.reject(["password"]);
  });
  client.on("ready", () => {
    client.on("session", (accept) => serveSession(accept(), (command) => commands.add(command)));
  });
  // Losing the connection ends every session on it.
  client.on("close", () => {
    for (const command of commands) command.hangUp();
    commands.clear();
  });

  function serveSession(session: Session, track: (command: GuestCommand) => void): void {
    const clientEnv: Record<string, string> = {};
    let term: string | undefined;
    let running: GuestCommand | undefined;
    const start = (channel: ServerChannel, command: string | undefined): void => {
      options.onCommandStart();
      const env = guestSessionEnv(guest, endpoints, { accepted: clientEnv, term });
      running = runGuestCommand(channel, command, {
        root: guest.paths.root,
        cwd: guest.paths.home,
        env,
        log,
      });
      track(running);
    };
    session.on("pty", (accept: SessionAccept | undefined, _reject, info) => {
      term = info.term;
      accept?.();
    });
    session.on("env", (accept: SessionAccept | undefined, _reject, info) => {
      if (isAcceptedClientEnv(info.key)) clientEnv[info.key] = info.val;
      accept?.();
    });
    session.on("signal", (accept: SessionAccept | undefined, _reject, info) => {
      running?.signal(`SIG${info.name.replace(/^SIG/, "")}` as NodeJS.Signals);
      accept?.();
    });
    session.on("exec", (accept, _reject, info) => start(accept(), info.command));
    session.on("shell", (accept) => start(accept(), undefined));
    session.on("subsystem", (_accept, reject) => reject());
    session.on("sftp", (_accept, reject) => reject());
  }
}
