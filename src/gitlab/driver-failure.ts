/**
 * How the driver tells GitLab Runner what went wrong (docs/gitlab.md "Exit codes"): a build
 * failure exits with `$BUILD_FAILURE_EXIT_CODE`, anything else with `$SYSTEM_FAILURE_EXIT_CODE`
 * (GitLab Runner retries a system failure of prepare_exec). Both default to the runner's own
 * values, 1 and 2, when the variables are missing or not numbers.
 */
export type FailureKind = "build" | "system";

export class DriverFailure extends Error {
  override readonly name = "DriverFailure";
  readonly kind: FailureKind;
  /** The job script's own exit status, for `$BUILD_EXIT_CODE_FILE`. */
  readonly scriptExitCode: number | undefined;

  constructor(kind: FailureKind, message: string, options?: ErrorOptions & { scriptExitCode?: number }) {
    super(message, options);
    this.kind = kind;
    this.scriptExitCode = options?.scriptExitCode;
  }
}

export const DEFAULT_BUILD_FAILURE_EXIT_CODE = 1;
export const DEFAULT_SYSTEM_FAILURE_EXIT_CODE = 2;

function code(value: string | undefined, fallback: number): number {
  if (value === undefined || !/^[0-9]{1,3}$/.test(value.trim())) return fallback;
  const parsed = Number(value.trim());
  return parsed >= 1 && parsed <= 255 ? parsed : fallback;
}

/** The exit code GitLab Runner expects for `kind`, read from the stage's environment. */
export function exitCodeFor(kind: FailureKind, env: Readonly<Record<string, string | undefined>>): number {
  return kind === "build"
    ? code(env["BUILD_FAILURE_EXIT_CODE"], DEFAULT_BUILD_FAILURE_EXIT_CODE)
    : code(env["SYSTEM_FAILURE_EXIT_CODE"], DEFAULT_SYSTEM_FAILURE_EXIT_CODE);
}
