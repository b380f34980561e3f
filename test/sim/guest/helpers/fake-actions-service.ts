/**
 * A minimal in-test implementation of the simulated Actions service (runner-protocol.ts) on
 * 127.0.0.1, for one runner: registration, sessions, a job queue, cancellation, and deletion
 * of the runner. It records every request so tests can assert the runner's conversation.
 */
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type {
  JobAssignment,
  RegisterRequest,
  RegisterResponse,
  RunnerCredentials,
  RunnerSettings,
} from "../../../../src/sim/runner-protocol.js";
import { encodeJitConfig } from "../../../../src/sim/runner-protocol.js";

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly userAgent: string | undefined;
  readonly body: unknown;
}

export const RUNNER_ID = 42;
export const RUNNER_TOKEN = "sim-oauth-token";
export const REGISTRATION_TOKEN = "LLBF3JGZDX3P5PMEXLND6TS6FCWO6";
/** A registration token the service answers 401 for. */
export const EXPIRED_TOKEN = "EXPIREDTOKEN0000000000000000";

export interface FakeActionsService {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** `METHOD path` of every request, without query strings and polls. */
  conversation(): string[];
  queueJob(job: JobAssignment): void;
  cancelJob(jobId: number): void;
  /** From now on the runner does not exist (404). */
  deleteRunner(): void;
  /** Another listener holds the session (409 on create). */
  holdSession(): void;
  /** Drops every request (socket destroyed) while true. */
  setUnreachable(unreachable: boolean): void;
  /** Names that already exist, for registration 409s. */
  readonly takenNames: Set<string>;
  jitConfig(overrides?: Partial<RunnerSettings>): string;
  close(): Promise<void>;
}

export async function startFakeActionsService(): Promise<FakeActionsService> {
  const requests: RecordedRequest[] = [];
  const jobs: JobAssignment[] = [];
  const cancelled = new Set<number>();
  const takenNames = new Set<string>();
  let runnerExists = true;
  let sessionHeld = false;
  let unreachable = false;
  let url = "";

  const settings = (overrides: Partial<RunnerSettings> = {}): RunnerSettings => ({
    agentId: RUNNER_ID,
    agentName: "vm-runner",
    poolId: 1,
    poolName: "Default",
    serverUrl: url,
    gitHubUrl: `${url}/octo-org`,
    workFolder: "_work",
    ephemeral: true,
    disableUpdate: true,
    ...overrides,
  });
  const credentials: RunnerCredentials = {
    scheme: "OAuth",
    data: { clientId: "sim-client", token: RUNNER_TOKEN },
  };

  const route = async (request: IncomingMessage, body: unknown, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? "").split("?")[0] ?? "";
    const send = (status: number, payload?: unknown): void => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(payload === undefined ? undefined : JSON.stringify(payload));
    };
    if (request.method === "POST" && path === "/api/v3/actions/runner-registration") {
      const register = body as RegisterRequest;
      if (request.headers.authorization === `RemoteAuth ${EXPIRED_TOKEN}`) {
        send(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
      } else if (request.headers.authorization !== `RemoteAuth ${REGISTRATION_TOKEN}`) {
        send(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
      } else if (takenNames.has(register.name) && !register.replace) {
        send(409, { message: `A runner exists with the same name '${register.name}'.` });
      } else {
        const answer: RegisterResponse = {
          runner: settings({
            agentName: register.name,
            ephemeral: register.ephemeral,
            workFolder: register.workFolder,
          }),
          credentials,
        };
        send(200, answer);
      }
      return;
    }
    const match = /^\/_sim\/runners\/(\d+)\/(.*)$/.exec(path);
    if (match === null) return send(404, { message: "Not Found" });
    if (request.headers.authorization !== `Bearer ${RUNNER_TOKEN}`)
      return send(401, { message: "Bad credentials" });
    if (!runnerExists || match[1] !== String(RUNNER_ID)) return send(404, { message: "Runner not found" });
    const rest = match[2] ?? "";
    if (request.method === "POST" && rest === "sessions")
      return sessionHeld ? send(409) : send(201, { sessionId: "s-1" });
    if (request.method === "DELETE" && rest === "sessions/s-1") return send(204);
    if (request.method === "GET" && rest === "sessions/s-1/job") {
      // Hold the long poll briefly (not waitMs) so tests stay fast.
      for (let waited = 0; waited < 200 && jobs.length === 0 && runnerExists; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      if (!runnerExists) return send(404, { message: "Runner not found" });
      const job = jobs.shift();
      return job === undefined ? send(204) : send(200, job);
    }
    const jobAction = /^jobs\/(\d+)\/(acquire|renew|complete)$/.exec(rest);
    if (request.method === "POST" && jobAction !== null) {
      const jobId = Number(jobAction[1]);
      return jobAction[2] === "renew" ? send(200, { cancelled: cancelled.has(jobId) }) : send(200, {});
    }
    send(404, { message: "Not Found" });
  };

  const server = createServer((request, response) => {
    if (unreachable) {
      request.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString();
      const body: unknown = text === "" ? undefined : JSON.parse(text);
      requests.push({
        method: request.method ?? "",
        path: request.url ?? "",
        authorization: request.headers.authorization,
        userAgent: request.headers["user-agent"],
        body,
      });
      route(request, body, response).catch((error: unknown) => {
        response.writeHead(500);
        response.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    conversation: () =>
      requests
        .map((r) => `${r.method} ${r.path.split("?")[0] ?? ""}`)
        .filter((line, i, all) => !(line.endsWith("/job") && all[i - 1] === line)),
    queueJob: (job) => jobs.push(job),
    cancelJob: (jobId) => cancelled.add(jobId),
    deleteRunner: () => {
      runnerExists = false;
    },
    holdSession: () => {
      sessionHeld = true;
    },
    setUnreachable: (value) => {
      unreachable = value;
    },
    takenNames,
    jitConfig: (overrides) => encodeJitConfig(settings(overrides), credentials),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
