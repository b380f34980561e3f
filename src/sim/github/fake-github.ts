/**
 * startFakeGitHub(): a faithful stand-in for api.github.com (and a GHES `/api/v3` base) for one
 * GitHub App — App JWT auth, installations and tokens, self-hosted runner endpoints, the job
 * endpoint, webhook deliveries — plus the simulated Actions service: a dispatcher that sends
 * `workflow_job` webhooks and routes jobs to the runner stand-ins the way GitHub does.
 */
import { createPublicKey } from "node:crypto";
import { systemClock, type Clock } from "../../clock.js";
import { accountFor, type Site } from "./accounts.js";
import { Changes } from "./changes.js";
import { Deliveries, type DeliveryRecord } from "./deliveries.js";
import { Dispatcher } from "./dispatcher.js";
import { Faults } from "./faults.js";
import { InstallationTokens } from "./installation-tokens.js";
import { Installations, type InstallationOptions } from "./installations.js";
import { JobRouter } from "./job-router.js";
import type { JobView } from "./job-view.js";
import { RateLimiter, type RateLimitOptions } from "./rate-limit.js";
import { RepoDirectory } from "./repo-directory.js";
import { RunnerDownloads, type RunnerPackageSource } from "./runner-downloads.js";
import { RunnerRegistry } from "./runner-registry.js";
import type { RunnerGroupOption } from "./runner-scope.js";
import { RunnerSessions } from "./runner-sessions.js";
import { RunnerTokens } from "./runner-tokens.js";
import { runnerView, type RunnerView } from "./runner-view.js";
import { buildServer, type RecordedRequest } from "./server.js";
import { TaskGroup } from "./task-group.js";
import type { World } from "./world.js";

export interface FakeGitHubOptions {
  readonly appId: number;
  /** Accepted as JWT `iss` besides the App id (default derived from the id). */
  readonly clientId?: string;
  readonly appSlug?: string;
  /** The App's public key; or give the private key and the public one is derived. */
  readonly appPublicKeyPem?: string;
  readonly appPrivateKeyPem?: string;
  readonly installations: readonly InstallationOptions[];
  /** The App's webhook; several URLs each get every delivery (same GUID). */
  readonly webhook?: { readonly url: string | readonly string[]; readonly secret: string };
  readonly clock?: Clock;
  /** Runner choice and reorder shuffles (default Math.random). */
  readonly random?: () => number;
  readonly host?: string;
  readonly port?: number;
  /** Organization runner groups besides Default (id 1). */
  readonly runnerGroups?: readonly RunnerGroupOption[];
  /** How long an assigned job waits for the runner's acquire before it is re-queued (GitHub: 60 s). */
  readonly acquireTimeoutMs?: number;
  /** How long a running job survives without a renew before it fails (default 10 s). */
  readonly leaseMs?: number;
  /** An idle session nobody polls for this long is closed: the runner goes offline (default 60 s). */
  readonly sessionTimeoutMs?: number;
  /** Idle JIT runners are deleted after this long (GitHub reportedly: minutes); default off. */
  readonly jitIdleTimeoutMs?: number;
  /** Longest long-poll the listener endpoint holds (default 50 s). */
  readonly maxPollMs?: number;
  /** How far a JWT's `iat` may lie in the future (default 1 s, for rounding). */
  readonly jwtIatLeewaySeconds?: number;
  readonly rateLimit?: RateLimitOptions;
  /** Files of the runner package served for downloads (default: src/sim/guest/runner-package.ts). */
  readonly runnerPackage?: RunnerPackageSource;
  /** Who triggers the workflows (webhook `sender`; default octocat). */
  readonly sender?: { readonly login: string; readonly id?: number };
}

export interface FakeGitHub {
  /** Web base, e.g. `http://127.0.0.1:45678` (REST is served here too). */
  readonly url: string;
  /** GHES-style REST base: `${url}/api/v3`. */
  readonly apiUrl: string;
  readonly appId: number;
  readonly clientId: string;
  readonly dispatcher: Dispatcher;
  readonly faults: Faults;
  /** Runners of one scope (`org` or `owner/repo`, case-insensitive) or all. */
  runners(scope?: string): RunnerView[];
  jobs(): JobView[];
  deliveries(): readonly DeliveryRecord[];
  requests(): readonly RecordedRequest[];
  /** Unexpected errors inside the fake (route handlers and background tasks); should stay empty. */
  internalErrors(): readonly unknown[];
  /**
   * Lets `POST /actions/runner-registration` without a runner name (the scale-set client's
   * exchange, docs/scale-sets.md §1) answer the fake Actions service's `{ url, token }`.
   */
  attachActionsService(issue: (githubUrl: string) => { url: string; token: string }): void;
  close(): Promise<void>;
}

export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const keyPem = options.appPublicKeyPem ?? options.appPrivateKeyPem;
  if (keyPem === undefined) throw new Error("startFakeGitHub needs appPublicKeyPem or appPrivateKeyPem");
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const clientId = options.clientId ?? `Iv1.${options.appId.toString(16).padStart(16, "0")}`;
  const tasks = new TaskGroup();
  const changes = new Changes(clock);
  const site: { url: string; apiUrl: string } = { url: "", apiUrl: "" };
  const installations = new Installations(options.installations, clock.now());
  const repos = new RepoDirectory();
  for (const installation of installations.list())
    for (const name of options.installations.find((i) => i.id === installation.id)?.repositories ?? [])
      repos.ref(installation.account, name.split("/").at(-1) ?? name);
  const registry = new RunnerRegistry(changes);
  const urls = options.webhook === undefined ? [] : [options.webhook.url].flat();
  const deliveries = new Deliveries({
    hooks: urls.map((url, i) => ({ id: 400_000_001 + i, url })),
    secret: options.webhook?.secret ?? "",
    appId: options.appId,
    clock,
    tasks,
    changes,
    random,
  });
  // The router announces job transitions through the dispatcher, which itself drives the router.
  const holder: { dispatcher?: Dispatcher } = {};
  const router = new JobRouter({
    clock,
    tasks,
    changes,
    registry,
    random,
    acquireTimeoutMs: options.acquireTimeoutMs ?? 60_000,
    leaseMs: options.leaseMs ?? 10_000,
    publish: (action, job, status) => holder.dispatcher?.publish(action, job, status),
  });
  const sender = accountFor(options.sender?.login ?? "octocat", "User", options.sender?.id ?? 583231);
  const dispatcher = new Dispatcher({
    site: site as Site,
    clock,
    changes,
    router,
    deliveries,
    installations,
    repos,
    appId: options.appId,
    sender,
  });
  holder.dispatcher = dispatcher;
  const faults = new Faults();
  const world: World = {
    site,
    app: {
      id: options.appId,
      clientId,
      slug: options.appSlug ?? "tart-executor-sim",
      name: "tart-executor (simulated)",
      owner: installations.list()[0]?.account ?? sender,
      createdAtMs: clock.now(),
    },
    clock,
    shutdown: tasks.signal,
    verifier: {
      appId: options.appId,
      clientId,
      publicKey: createPublicKey(keyPem),
      iatLeewaySeconds: options.jwtIatLeewaySeconds ?? 1,
    },
    installations,
    tokens: new InstallationTokens((installation) => repos.idsOf(installation.account)),
    runnerTokens: new RunnerTokens(),
    registry,
    router,
    sessions: new RunnerSessions({
      clock,
      tasks,
      changes,
      registry,
      router,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 60_000,
      jitIdleTimeoutMs: options.jitIdleTimeoutMs,
      maxPollMs: options.maxPollMs ?? 50_000,
    }),
    deliveries,
    repos,
    runnerGroups: options.runnerGroups ?? [],
    downloads: new RunnerDownloads(options.runnerPackage),
    rateLimiter: new RateLimiter(options.rateLimit),
    faults,
    actionsService: {},
  };
  const requests: RecordedRequest[] = [];
  const routeErrors: unknown[] = [];
  const app = buildServer(world, requests, routeErrors);
  const host = options.host ?? "127.0.0.1";
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  site.url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  site.apiUrl = `${site.url}/api/v3`;

  return {
    url: site.url,
    apiUrl: site.apiUrl,
    appId: options.appId,
    clientId,
    dispatcher,
    faults,
    runners: (scope) => {
      const key =
        scope === undefined
          ? undefined
          : scope.includes("/")
            ? `repo:${scope.toLowerCase()}`
            : `org:${scope.toLowerCase()}`;
      return registry.list(key).map(runnerView);
    },
    jobs: () => dispatcher.jobs(),
    deliveries: () => deliveries.list(),
    requests: () => requests,
    internalErrors: () => [...routeErrors, ...tasks.errors],
    attachActionsService: (issue) => {
      world.actionsService.issue = issue;
    },
    close: async () => {
      await tasks.close();
      await app.close();
    },
  };
}
