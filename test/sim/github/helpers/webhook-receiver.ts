/** A loopback HTTP server that records every webhook delivery with its exact body bytes. */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";

export interface ReceivedDelivery {
  readonly headers: IncomingHttpHeaders;
  readonly raw: Buffer;
  readonly body: Record<string, unknown>;
  readonly event: string;
  readonly guid: string;
  readonly action: string | undefined;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedDelivery[];
  /** Status to answer with (default 202). */
  status: number;
  close(): Promise<void>;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedDelivery[]>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = [];
  const receiver = { status: 202 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
      } catch {
        // raw test deliveries may not be JSON
      }
      received.push({
        headers: req.headers,
        raw,
        body,
        event: String(req.headers["x-github-event"]),
        guid: String(req.headers["x-github-delivery"]),
        action: typeof body["action"] === "string" ? body["action"] : undefined,
      });
      res.writeHead(receiver.status, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/webhook`,
    received,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
    waitFor: async (count: number, timeoutMs = 5000): Promise<ReceivedDelivery[]> => {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} deliveries, got ${received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return received;
    },
  });
}
