/**
 * A TCP port that was free on the loopback address a moment ago, for a server started shortly
 * after. Chosen below Linux's and macOS's ephemeral ranges (32768+ and 49152+): a port the kernel
 * hands out itself (`listen(0)`) is also what it gives outgoing connections, so between choosing
 * it and listening on it a client socket of another test could take it (EADDRINUSE). Ports are
 * never handed out twice by one process.
 */
import { createServer } from "node:net";

const FIRST = 20_000;
const LAST = 32_000;
const handedOut = new Set<number>();

export async function freePort(host = "127.0.0.1"): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = FIRST + Math.floor(Math.random() * (LAST - FIRST + 1));
    if (handedOut.has(port)) continue;
    if (await canListen(port, host)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${FIRST} and ${LAST} on ${host}`);
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
