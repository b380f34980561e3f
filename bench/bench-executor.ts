/**
 * The executor end of the benchmark: a plain node:http server that handles a webhook the way an
 * executor's hot path does (read the bytes, verify the signature, parse the JSON, answer) on both
 * `/` (GitHub's direct delivery) and `/router` (a forward, answered per router-protocol.ts), and
 * notes when each delivery arrived.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWebhookSignature } from "../src/github/webhook-signature.js";
import type { ForwardAnswer } from "../src/shared/router-protocol.js";

export interface BenchExecutor {
  readonly url: string;
  /** performance.now() at which each delivery id was fully received and checked. */
  readonly arrivals: Map<string, number>;
  close(): Promise<void>;
}

export async function startBenchExecutor(hostname: string, secret: string): Promise<BenchExecutor> {
  const arrivals = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const reply = (status: number, body: unknown): void => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      };
      if (request.method === "GET" && request.url === "/status") {
        reply(200, { ...capacity(), hostname, version: "bench", inProgressJobs: 0, pendingJobs: 0 });
        return;
      }
      const body = Buffer.concat(chunks);
      const signature = request.headers["x-hub-signature-256"];
      if (!verifyWebhookSignature(secret, body, typeof signature === "string" ? signature : undefined)) {
        reply(401, { message: "bad signature" });
        return;
      }
      JSON.parse(body.toString("utf8"));
      const id = String(request.headers["x-github-delivery"]);
      arrivals.set(id, performance.now());
      if (request.url === "/router") {
        const answer: ForwardAnswer = { result: "accepted", message: "accepted", capacity: capacity() };
        reply(200, answer);
      } else reply(202, { message: "accepted" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A host that always has room, so every forward is accepted at once. */
function capacity() {
  return {
    accepting: true,
    virtualMachineLimit: 1_000_000,
    activeVirtualMachines: 0,
    freeSlots: 1_000_000,
    uncoveredJobs: 0,
    cpuLimit: null,
    cpuUsed: 0,
    totalMemory: null,
    memoryUsed: 0,
  };
}
