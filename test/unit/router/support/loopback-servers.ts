/** Real HTTP servers on 127.0.0.1 for the router's HTTP client tests, counting their connections. */
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface LoopbackServer {
  readonly url: string;
  readonly server: Server;
  /** Connections accepted so far. */
  connections(): number;
  /** Stops listening and drops every connection: the port refuses from now on. */
  close(): Promise<void>;
}

export function loopbackServers() {
  const started: LoopbackServer[] = [];
  return {
    async serve(handler: RequestListener): Promise<LoopbackServer> {
      const server = createServer(handler);
      let connections = 0;
      server.on("connection", () => (connections += 1));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const each: LoopbackServer = {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        server,
        connections: () => connections,
        close: async () => {
          server.closeAllConnections();
          if (server.listening) await new Promise((resolve) => server.close(resolve));
        },
      };
      started.push(each);
      return each;
    },
    /** For afterEach. */
    async closeAll(): Promise<void> {
      for (const each of started.splice(0)) await each.close();
    },
  };
}

/** Lets the client see a connection the server closed (the FIN arrives within a few ticks). */
export const settle = (ms = 30): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
