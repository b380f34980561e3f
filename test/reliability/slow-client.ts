/**
 * Hostile input, continued: a slow-loris client against the executor's HTTP server (in-process,
 * the real buildExecutorServer). The server must disconnect it by itself; its request timeout is
 * 30 s and Node enforces it on a 30 s check interval, so this test waits 30–60 s and is
 * registered by faults/faults.test.ts to run alongside the fault scenarios instead of adding a
 * minute to the suite.
 */
import { connect } from "node:net";
import { describe, expect } from "vitest";
import { startInProcessExecutor } from "../helpers/rel-inprocess.js";
import { scenario } from "../helpers/rel-totals.js";

/** Registers the scenario (run by faults/faults.test.ts). */
export function describeSlowClient(): void {
  describe.concurrent("hostile input (slow clients)", () => {
    scenario(
      "a slow-loris client (one header byte a second) is disconnected by the server",
      120_000,
      async (t) => {
        const inproc = await startInProcessExecutor({ secret: "slow-client-secret", listen: true });
        t.defer(() => inproc.close());
        const { port } = new URL(inproc.url);
        const started = Date.now();
        const closedAfterMs = await new Promise<number>((resolve, reject) => {
          const socket = connect(Number(port), "127.0.0.1");
          let timer: NodeJS.Timeout | undefined;
          const giveUp = setTimeout(() => {
            socket.destroy();
            reject(new Error("the server kept a slow-loris connection open for 100 s"));
          }, 100_000);
          socket.on("connect", () => {
            socket.write("POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
            timer = setInterval(() => socket.write("a"), 1_000);
          });
          socket.on("error", () => undefined);
          socket.on("close", () => {
            clearInterval(timer);
            clearTimeout(giveUp);
            resolve(Date.now() - started);
          });
        });
        t.hostile();
        t.figure("slow-loris disconnected after ms", closedAfterMs);
        // requestTimeout is 30 s; Node checks it every 30 s (connectionsCheckingInterval).
        expect(closedAfterMs).toBeGreaterThanOrEqual(29_000);
        expect(closedAfterMs).toBeLessThanOrEqual(65_000);
      },
    );
  });
}
