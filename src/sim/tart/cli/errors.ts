/**
 * The error classes of real tart, each printed and mapped to an exit code the way tart's `Root`
 * and swift-argument-parser do it (tart-cli.md §1 "Error plumbing").
 */

/** tart's `RuntimeError`: the bare message on stderr; exit 2 for the three VM-state cases, else 1. */
export class TartRuntimeError extends Error {
  readonly exitCode: 1 | 2;

  constructor(message: string, exitCode: 1 | 2 = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** `the specified VM "<n>" does not exist` (exit 2). */
export function vmDoesNotExist(name: string): TartRuntimeError {
  return new TartRuntimeError(`the specified VM "${name}" does not exist`, 2);
}

/** `VM "<n>" is not running` (exit 2). */
export function vmNotRunning(name: string): TartRuntimeError {
  return new TartRuntimeError(`VM "${name}" is not running`, 2);
}

/**
 * swift-argument-parser's `ValidationError`: `Error: <msg>` plus a usage block, exit 64. Thrown
 * from a command's validation it shows that command's usage; thrown while the command runs, the
 * parser only knows the root command, so it shows the root usage.
 */
export class TartValidationError extends Error {}

/** Argument parsing failures (unknown flag, bad value, missing argument): like validation, plus `Help:`. */
export class ArgumentParseError extends Error {
  readonly help: string;

  constructor(message: string, help = "") {
    super(message);
    this.help = help;
  }
}

/** Any other Swift or NSError: `Error: <description>`, exit 1. */
export class TartFailure extends Error {}

/** Swift's `CancellationError()`: what a command prints when SIGINT cancels its task. */
export class CancellationError extends TartFailure {
  constructor() {
    super("CancellationError()");
  }
}

/** `tart exec` leaves with the guest command's own exit code and prints nothing. */
export class ExitWithCode extends Error {
  readonly exitCode: number;

  constructor(exitCode: number) {
    super(`exit ${exitCode}`);
    this.exitCode = exitCode;
  }
}
