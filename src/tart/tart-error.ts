/** A `tart` invocation that failed, with what an operator needs to see (never the environment). */
export class TartError extends Error {
  readonly code: "TART_COMMAND_FAILED" | "TART_TIMEOUT" | "TART_NOT_FOUND" | "TART_CANCELLED";
  readonly command: string;
  readonly args: readonly string[];
  readonly exitCode: number | null;
  /** First non-empty line of stderr, else of stdout (what tart-driving tools report). */
  readonly firstLine: string;

  constructor(init: {
    code: TartError["code"];
    args: readonly string[];
    exitCode: number | null;
    firstLine: string;
    cause?: unknown;
  }) {
    const command = init.args[0] ?? "";
    const what =
      init.code === "TART_TIMEOUT"
        ? "timed out"
        : init.code === "TART_CANCELLED"
          ? "was cancelled"
          : init.code === "TART_NOT_FOUND"
            ? "could not start (tart executable not found)"
            : `exited ${init.exitCode ?? "by signal"}`;
    super(`tart ${command} ${what}${init.firstLine ? `: ${init.firstLine}` : ""}`, { cause: init.cause });
    this.name = "TartError";
    this.code = init.code;
    this.command = command;
    this.args = init.args;
    this.exitCode = init.exitCode;
    this.firstLine = init.firstLine;
  }

  /** tart's "VM is gone" answers (exit 2: does not exist / not running). */
  get isMissingOrStopped(): boolean {
    return this.exitCode === 2;
  }
}

/** The first non-empty line of stderr, else of stdout. */
export function firstNonEmptyLine(stderr: string, stdout: string): string {
  for (const text of [stderr, stdout]) {
    const line = text.split("\n").find((candidate) => candidate.trim() !== "");
    if (line !== undefined) return line.trim();
  }
  return "";
}
