/**
 * `vms/<n>/control.sock`, which `tart run` proxies to the guest's vsock port 8080 where the Tart
 * Guest Agent listens (tart `ControlSocket.swift`). The simulated run process listens there once
 * the guest has booted and hands each connection to the guest's agent; a guest without the agent
 * (or not booted yet) gets its connections closed, as the proxy's failed vsock dial does. A killed
 * run leaves the socket file behind with nobody listening, as real tart does until the next run
 * removes it.
 */
import { rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import type { Server, Socket } from "node:net";
import { Frame, readFrames } from "../../guest/agent-protocol.js";

/** Unix socket paths longer than this cannot be bound (sun_path). */
const MAX_SOCKET_PATH = 103;

export async function serveControlSocket(
  socketPath: string,
  agent: ((socket: Socket) => void) | undefined,
): Promise<Server | undefined> {
  rmSync(socketPath, { force: true });
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) return undefined;
  const server = createServer((connection) => {
    if (agent === undefined) connection.destroy();
    else agent(connection);
  });
  return new Promise((resolve) => {
    server.once("error", () => resolve(undefined));
    server.listen(socketPath, () => resolve(server));
  });
}

/**
 * Connects to the agent: resolves with a socket the agent has greeted, or undefined when nobody
 * answers within `timeoutMs` (tart's agent resolver uses 1 s per try).
 */
export function connectAgent(socketPath: string, timeoutMs = 1000): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    let settled = false;
    const done = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!ok) socket.destroy();
      resolve(ok ? socket : undefined);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    readFrames(socket, (type) => {
      if (type === Frame.Hello) done(true);
    });
    socket.once("error", () => done(false));
    socket.once("close", () => done(false));
  });
}

/** Whether the agent answers on the socket within `timeoutMs`. */
export async function probeControlSocket(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  const socket = await connectAgent(socketPath, timeoutMs);
  socket?.destroy();
  return socket !== undefined;
}
