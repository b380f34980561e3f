/**
 * The simulated `tart` executable (run through `sim-bin/tart`). Mirrors tart's `Root.main`:
 * parse (with swift-argument-parser's errors), validate, clean `tmp/` (except for pull and clone),
 * run, and map errors to tart's streams and exit codes. Every invocation is recorded in
 * `<simDir>/invocations.jsonl`.
 */
import { ArgumentParseError, ExitWithCode, TartRuntimeError, TartValidationError } from "./cli/errors.js";
import type { TartCommand } from "./cli/command-spec.js";
import { parseArgs } from "./cli/parse-args.js";
import { commandHelp, rootHelp, usageBlock } from "./cli/usage-text.js";
import { commandTable } from "./command-table.js";
import { createContext } from "./context.js";
import type { TartContext } from "./context.js";
import { flushOutput, processOutput } from "./io/output.js";
import { appendInvocation, recordedEnv } from "./state/invocation-log.js";
import { collectGarbage } from "./storage/staging-dir.js";

const VERSION = "2.32.1";

const argv = process.argv.slice(2);
const startedAt = new Date().toISOString();
const cancel = new AbortController();
const ctx = createContext(process.env, processOutput, cancel.signal);
const logEntry = { argv, env: recordedEnv(process.env), pid: process.pid, startedAt };

// tart handles SIGINT itself by cancelling its task; commands that do not wait simply finish.
process.on("SIGINT", () => cancel.abort());
// A reader that went away: real tart dies of SIGPIPE on its next print (tart-cli.md §5.2).
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", () => {
    appendInvocation(ctx.simDir, {
      ...logEntry,
      endedAt: new Date().toISOString(),
      exitCode: null,
      signal: "SIGPIPE",
    });
    process.kill(process.pid, "SIGKILL");
  });
}

const commands = commandTable({
  onKilled: (signal) =>
    appendInvocation(ctx.simDir, { ...logEntry, endedAt: new Date().toISOString(), exitCode: null, signal }),
});

await finish(await main());

async function main(): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help")
    return printOut(rootHelp(commands.map((c) => c.spec)));
  if (first === "--version") return printOut(VERSION);
  if (first === "help") {
    const target = commands.find((c) => c.spec.name === rest[0]);
    return printOut(target === undefined ? rootHelp(commands.map((c) => c.spec)) : commandHelp(target.spec));
  }
  const command = commands.find((c) => c.spec.name === first);
  if (command === undefined) {
    const message = first.startsWith("-")
      ? `Unknown option '${first.split("=")[0] ?? first}'`
      : `Unexpected argument '${first}'`;
    return usageError(message, "", undefined);
  }
  if (command.spec.name === "run")
    appendInvocation(ctx.simDir, { ...logEntry, endedAt: null, exitCode: null });
  return runCommand(command, rest);
}

async function runCommand(command: TartCommand, args: readonly string[]): Promise<number> {
  let parsed;
  try {
    const outcome = parseArgs(command.spec, args);
    if (outcome.kind === "help") return printOut(commandHelp(command.spec));
    parsed = outcome.args;
    command.validate?.(parsed, ctx);
  } catch (error) {
    if (error instanceof ArgumentParseError) return usageError(error.message, error.help, command);
    if (error instanceof TartValidationError) return usageError(error.message, "", command);
    // Anything else thrown while validating is printed as a plain error, exit 1 (tart run's missing VM).
    return plainError(error);
  }
  if (command.spec.name !== "pull" && command.spec.name !== "clone") housekeeping(ctx);
  try {
    await command.run(parsed, ctx);
    return 0;
  } catch (error) {
    if (error instanceof ExitWithCode) return error.exitCode;
    if (error instanceof TartRuntimeError) {
      ctx.out.error(error.message);
      return error.exitCode;
    }
    // A ValidationError thrown while running: the parser only knows the root command by then.
    if (error instanceof TartValidationError) return usageError(error.message, "", undefined);
    return plainError(error);
  }
}

function housekeeping(context: TartContext): void {
  try {
    collectGarbage(context.home(), context.simDir);
  } catch (error) {
    context.out.error(`Failed to perform garbage collection: ${(error as Error).message}`);
  }
}

function printOut(text: string): number {
  ctx.out.line(text);
  return 0;
}

function usageError(message: string, help: string, command: TartCommand | undefined): number {
  const helpLine = help === "" ? "" : `Help:  ${help}\n`;
  ctx.out.error(`Error: ${message}\n${helpLine}${usageBlock(command?.spec)}`);
  return 64;
}

function plainError(error: unknown): number {
  if (error instanceof TartRuntimeError) {
    ctx.out.error(`Error: ${error.message}`);
    return 1;
  }
  ctx.out.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
}

async function finish(exitCode: number): Promise<never> {
  appendInvocation(ctx.simDir, { ...logEntry, endedAt: new Date().toISOString(), exitCode });
  await flushOutput();
  process.exit(exitCode);
}
