/**
 * The daemons' logger: pino writing JSON lines (or pino-pretty text on a terminal), with
 * secrets removed twice: by key (redact paths) and by value (SecretRegistry) on every line.
 */
import { hostname } from "node:os";
import { pino } from "pino";
import pretty from "pino-pretty";
import { REDACT_PATHS } from "./redact-paths.js";
import { createRedactingStream, type LineSink } from "./redacting-stream.js";
import { createSecretRegistry, REDACTED, type SecretRegistry } from "./secret-registry.js";

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Human-readable text instead of JSON lines; the CLI passes `process.stdout.isTTY`. */
  readonly pretty: boolean;
  /** Where lines go; stdout when absent. */
  readonly destination?: NodeJS.WritableStream;
  /** Fields on every line, e.g. `{ service: "tart-executor", host: config.hostname }`. */
  readonly base?: Readonly<Record<string, unknown>>;
  /** Secret values to remove from every line; a fresh empty registry when absent. */
  readonly secrets?: SecretRegistry;
}

export function createLogger(options: LoggerOptions): pino.Logger {
  const sink: LineSink = options.destination ?? pino.destination({ dest: 1, sync: true });
  const redacting = createRedactingStream(sink, options.secrets ?? createSecretRegistry());
  const loggerOptions: pino.LoggerOptions = {
    level: options.level,
    base: { pid: process.pid, host: hostname(), ...options.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
  };
  if (!options.pretty) {
    // Log shippers and `jq` read `"level":"info"` more easily than pino's numbers.
    return pino({ ...loggerOptions, formatters: { level: (label) => ({ level: label }) } }, redacting);
  }
  // A synchronous stream, not a worker transport: lines are written before the process exits,
  // and they still pass through the redacting stream.
  const prettyStream = pretty({
    sync: true,
    destination: redacting,
    colorize: options.destination === undefined && pretty.isColorSupported,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,host",
  });
  return pino(loggerOptions, prettyStream);
}
