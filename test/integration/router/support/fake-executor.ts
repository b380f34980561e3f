/**
 * A tiny executor speaking router-protocol.ts over real HTTP: `GET /status` and `POST /router`,
 * with the token and signature checks, the accepted/full/duplicate/recorded answers, and knobs
 * for capacity, failures and delays. It remembers every request it got, bytes and headers.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWebhookSignature } from "../../../../src/github/webhook-signature.js";
import type {
  CapacitySummary,
  ForwardAnswer,
  ForwardResult,
} from "../../../../src/shared/router-protocol.js";

export interface ReceivedForward {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly action: string;
  readonly jobId: number;
  readonly result: ForwardResult;
}

export interface FakeExecutorOptions {
  readonly hostname: string;
  readonly secret: string;
  readonly token?: string;
  readonly freeSlots?: number;
  readonly port?: number;
}

export class FakeExecutor {
  readonly hostname: string;
  readonly received: ReceivedForward[] = [];
  /** Job ids this executor recorded as queued jobs it owns. */
  readonly jobs = new Set<number>();
  freeSlots: number;
  /** `full`: answer full even with free slots; `error`: answer 500; `hang`: never answer. */
  mode: "normal" | "full" | "error" | "hang" = "normal";
  delayMs = 0;
  statusRequests = 0;
  readonly #options: FakeExecutorOptions;
  #server: Server;
  #port = 0;

  private constructor(options: FakeExecutorOptions) {
    this.#options = options;
    this.hostname = options.hostname;
    this.freeSlots = options.freeSlots ?? 2;
    this.#server = this.#create();
  }

  static async start(options: FakeExecutorOptions): Promise<FakeExecutor> {
    const executor = new FakeExecutor(options);
    await executor.#listen(options.port ?? 0);
    return executor;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Accepted queued jobs, in the order they arrived. */
  accepted(): number[] {
    return this.received.filter((r) => r.action === "queued" && r.result === "accepted").map((r) => r.jobId);
  }

  capacity(): CapacitySummary {
    return {
      accepting: true,
      virtualMachineLimit: 4,
      activeVirtualMachines: 0,
      freeSlots: this.freeSlots,
      uncoveredJobs: this.jobs.size,
      cpuLimit: null,
      cpuUsed: 0,
      totalMemory: null,
      memoryUsed: 0,
    };
  }

  /** Stops answering, like a host that died (connections are cut). */
  async kill(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Comes back on the same port. */
  async revive(): Promise<void> {
    this.#server = this.#create();
    await this.#listen(this.#port);
  }

  #listen(port: number): Promise<void> {
    return new Promise((resolve) => {
      this.#server.listen(port, "127.0.0.1", () => {
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  #create(): Server {
    return createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const send = (status: number, body: unknown): void => {
          if (this.mode === "hang" && request.url === "/router") return;
          const reply = (): void => {
            response.writeHead(status, { "content-type": "application/json" });
            response.end(JSON.stringify(body));
          };
          if (this.delayMs > 0) setTimeout(reply, this.delayMs);
          else reply();
        };
        if (request.method === "GET" && request.url === "/status") {
          this.statusRequests += 1;
          send(200, {
            ...this.capacity(),
            hostname: this.hostname,
            version: "0.0.0",
            inProgressJobs: 0,
            pendingJobs: this.jobs.size,
          });
          return;
        }
        if (request.method !== "POST" || request.url !== "/router")
          return send(404, { message: "not found" });
        const body = Buffer.concat(chunks);
        if (
          this.#options.token !== undefined &&
          request.headers.authorization !== `Bearer ${this.#options.token}`
        )
          return send(401, { message: "missing or invalid router token" });
        const signature = request.headers["x-hub-signature-256"];
        if (
          !verifyWebhookSignature(
            this.#options.secret,
            body,
            typeof signature === "string" ? signature : undefined,
          )
        )
          return send(401, { message: "bad signature" });
        if (this.mode === "error") return send(500, { message: "internal error" });
        const payload = JSON.parse(body.toString("utf8")) as { action: string; workflow_job: { id: number } };
        const result = this.#record(payload.action, payload.workflow_job.id);
        this.received.push({
          headers: request.headers,
          body,
          action: payload.action,
          jobId: payload.workflow_job.id,
          result,
        });
        const answer: ForwardAnswer = { result, message: result, capacity: this.capacity() };
        send(200, answer);
      });
    });
  }

  #record(action: string, jobId: number): ForwardResult {
    if (action !== "queued") return "recorded";
    if (this.jobs.has(jobId)) return "duplicate";
    if (this.mode === "full" || this.freeSlots <= 0) return "full";
    this.jobs.add(jobId);
    this.freeSlots -= 1;
    return "accepted";
  }
}
