/**
 * The guest's sshd: an ssh2 server fed from our own TCP listener on the VM's address, so the
 * raw sockets stay at hand: a power cut destroys them, and the sshDrop fault cuts one abruptly
 * `afterMs` after its first command starts, like a network failure rather than a clean logout.
 */
import { createServer } from "node:net";
import type { Server as NetServer, Socket } from "node:net";
import ssh2 from "ssh2";
import type { GuestIdentity } from "./guest-session-env.js";
import { serveGuestConnection } from "./serve-guest-connection.js";

const { Server } = ssh2;

export interface GuestSshOptions {
  readonly guest: GuestIdentity;
  readonly ip: string;
  readonly port: number;
  readonly password: string;
  readonly hostKey: string;
  /** The sshAuthFail fault. */
  readonly rejectAll: boolean;
  /** The sshAuthEarly fault: every password is rejected until this time (epoch ms). */
  readonly rejectUntilMs: number;
  /** The sshDrop fault. */
  readonly dropAfterMs: number | undefined;
  readonly log: (line: string) => void;
}

export interface GuestSsh {
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

export async function listenGuestSsh(options: GuestSshOptions): Promise<GuestSsh> {
  const { log } = options;
  const sockets = new Map<string, Socket>();
  const sshServer = new Server({ hostKeys: [options.hostKey], ident: "OpenSSH_9.8" });
  sshServer.on("connection", (client, info) => {
    const socket = sockets.get(`${info.ip}:${info.port}`);
    let dropScheduled = false;
    serveGuestConnection(client, {
      guest: options.guest,
      password: options.password,
      rejectAll: options.rejectAll,
      rejectUntilMs: options.rejectUntilMs,
      endpoints: { clientIp: info.ip, clientPort: info.port, serverIp: options.ip, serverPort: options.port },
      onCommandStart: () => {
        if (options.dropAfterMs === undefined || socket === undefined || dropScheduled) return;
        dropScheduled = true;
        dropLater(socket, options.dropAfterMs, log);
      },
      log,
    });
  });
  const netServer = createServer((socket) => {
    const key = `${socket.remoteAddress ?? ""}:${socket.remotePort ?? 0}`;
    sockets.set(key, socket);
    socket.once("close", () => sockets.delete(key));
    sshServer.injectSocket(socket);
  });
  await listen(netServer, options.port, options.ip);
  log(`sshd: listening on ${options.ip} port ${options.port}`);
  return {
    close: () => {
      const closed = new Promise<void>((resolve) => netServer.close(() => resolve()));
      for (const socket of sockets.values()) socket.destroy();
      return closed;
    },
  };
}

function dropLater(socket: Socket, afterMs: number, log: (line: string) => void): void {
  const timer = setTimeout(() => {
    log(`sshd: dropping connection from ${socket.remoteAddress} port ${socket.remotePort} (fault sshDrop)`);
    socket.destroy();
  }, afterMs);
  socket.once("close", () => clearTimeout(timer));
}

function listen(server: NetServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host, exclusive: true }, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
