/** Everything the fake's HTTP routes share: its identity, its state and its clock. */
import type { Clock } from "../../clock.js";
import type { Account, Site } from "./accounts.js";
import type { AppJwtVerifier } from "./app-jwt.js";
import type { Deliveries } from "./deliveries.js";
import type { Faults } from "./faults.js";
import type { InstallationTokens } from "./installation-tokens.js";
import type { Installations } from "./installations.js";
import type { JobRouter } from "./job-router.js";
import type { RateLimiter } from "./rate-limit.js";
import type { RepoDirectory } from "./repo-directory.js";
import type { RunnerDownloads } from "./runner-downloads.js";
import type { RunnerRegistry } from "./runner-registry.js";
import type { RunnerGroupOption } from "./runner-scope.js";
import type { RunnerSessions } from "./runner-sessions.js";
import type { RunnerTokens } from "./runner-tokens.js";

export interface AppInfo {
  readonly id: number;
  readonly clientId: string;
  readonly slug: string;
  readonly name: string;
  readonly owner: Account;
  readonly createdAtMs: number;
}

export interface World {
  readonly site: Site;
  readonly app: AppInfo;
  readonly clock: Clock;
  /** Aborted when the fake closes (ends delays and long-polls). */
  readonly shutdown: AbortSignal;
  readonly verifier: AppJwtVerifier;
  readonly installations: Installations;
  readonly tokens: InstallationTokens;
  readonly runnerTokens: RunnerTokens;
  readonly registry: RunnerRegistry;
  readonly router: JobRouter;
  readonly sessions: RunnerSessions;
  readonly deliveries: Deliveries;
  readonly repos: RepoDirectory;
  readonly runnerGroups: readonly RunnerGroupOption[];
  readonly downloads: RunnerDownloads;
  readonly rateLimiter: RateLimiter;
  readonly faults: Faults;
  /** The fake Actions service's admin connection for scale-set clients (src/sim/actions-service/), once attached. */
  readonly actionsService: { issue?: (githubUrl: string) => { url: string; token: string } };
}
