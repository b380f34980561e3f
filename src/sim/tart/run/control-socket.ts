/**
 * `vms/<n>/control.sock`, where the Tart Guest Agent answers (`tart exec`, `tart ip --resolver
 * agent`). The simulated run process listens there once the guest has booted; a killed run leaves
 * the socket file behind with nobody listening, as real tart does until the next run removes it.
 */
import { rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import type { Server } from "node:net";

/** Unix socket paths longer than this cannot be bound (sun_path). */
const MAX_SOCKET_PATH = 103;

export async function serveControlSocket(socketPath: string): Promise<Server | undefined> {
  rmSync(socketPath, { force: true });
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) return undefined;
  const server = createServer((connection) => connection.end());
  return new Promise((resolve) => {
    server.once("error", () => resolve(undefined));
    server.listen(socketPath, () => resolve(server));
  });
}

/** Whether something answers on the socket within `timeoutMs` (tart's agent resolver uses 1 s). */
export function probeControlSocket(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
