/**
 * An in-process SSH server (ssh2's Server) with password auth, for behaviour a real sshd will
 * not show on demand: refusing the first logins, dropping the connection mid-command, coming up late.
 */
import ssh2 from "ssh2";
import type { Connection, ServerChannel } from "ssh2";

const { Server, utils } = ssh2;

export interface FakeSshServerOptions {
  /** Listen on this port (default: any free one). */
  readonly port?: number;
  /** Logins to refuse even with the right password, like a macOS guest right after boot. */
  readonly refuseFirstLogins?: number;
  /** Handles every exec request; the default prints `ran: <command>` and exits 0. */
  readonly onExec?: (command: string, channel: ServerChannel, connection: Connection) => void;
}

export interface FakeSshServer {
  readonly port: number;
  /** How many password attempts arrived (right or wrong). */
  readonly loginAttempts: () => number;
  stop(): Promise<void>;
}

export const FAKE_USER = "admin";
export const FAKE_PASSWORD = "admin";

export async function startFakeSshServer(options: FakeSshServerOptions = {}): Promise<FakeSshServer> {
  const hostKey = utils.generateKeyPairSync("ed25519").private;
  const connections = new Set<Connection>();
  let attempts = 0;
  const server = new Server({ hostKeys: [hostKey] }, (connection) => {
    connections.add(connection);
    connection.on("close", () => connections.delete(connection));
    connection.on("error", () => {});
    connection.on("authentication", (context) => {
      if (context.method !== "password") return context.reject(["password"]);
      attempts += 1;
      const refused = attempts <= (options.refuseFirstLogins ?? 0);
      const valid = context.username === FAKE_USER && context.password === FAKE_PASSWORD;
      return valid && !refused ? context.accept() : context.reject(["password"]);
    });
    connection.on("ready", () => {
      connection.on("session", (accept) => {
        accept().on("exec", (acceptExec, _reject, info) => {
          const channel = acceptExec();
          (options.onExec ?? echoCommand)(info.command, channel, connection);
        });
      });
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : 0);
    });
  });
  return {
    port,
    loginAttempts: () => attempts,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const connection of connections) connection.end();
        server.close(() => resolve());
      }),
  };
}

function echoCommand(command: string, channel: ServerChannel): void {
  channel.write(`ran: ${command}\n`);
  channel.exit(0);
  channel.end();
}
