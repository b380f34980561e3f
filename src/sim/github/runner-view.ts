/** A read-only copy of a runner for tests: the REST object plus what only the service knows. */
import { fullName } from "./accounts.js";
import { runnerJson, type Runner } from "./runner-registry.js";

export interface RunnerView {
  readonly id: number;
  readonly name: string;
  readonly os: string;
  readonly status: "online" | "offline";
  readonly busy: boolean;
  readonly ephemeral: boolean;
  readonly runner_group_id: number;
  readonly labels: ReadonlyArray<{ readonly id: number; readonly name: string; readonly type: string }>;
  /** `org` or `owner/repo` */
  readonly scope: string;
  readonly jit: boolean;
  readonly sessionId: string | undefined;
  readonly assignedJobId: number | undefined;
  readonly runningJobId: number | undefined;
}

export function runnerView(runner: Runner): RunnerView {
  return {
    ...(runnerJson(runner) as Omit<
      RunnerView,
      "scope" | "jit" | "sessionId" | "assignedJobId" | "runningJobId"
    >),
    scope: runner.scope.kind === "org" ? runner.scope.org.login : fullName(runner.scope.repo),
    jit: runner.jit,
    sessionId: runner.session?.id,
    assignedJobId: runner.assignedJobId,
    runningJobId: runner.runningJobId,
  };
}
