/** Holding a loopback port, so nothing else binds it until released. */
import { createServer } from "node:net";

export interface PortHold {
  release(): Promise<void>;
}

/** Binds 127.0.0.1:`port` until released; null when it is taken already. */
export function holdPort(port: number): Promise<PortHold | null> {
  return new Promise((resolve) => {
    // Connections are cut at once, as when nothing listens (a delivery fails fast, not by timeout).
    const server = createServer((socket) => socket.destroy());
    server.once("error", () => resolve(null));
    server.listen(port, "127.0.0.1", () =>
      resolve({ release: () => new Promise<void>((done) => server.close(() => done())) }),
    );
  });
}
