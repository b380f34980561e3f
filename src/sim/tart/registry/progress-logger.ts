/**
 * tart's `defaultLogger`: with `CI` set (any value) progress updates are appended as plain lines;
 * otherwise each update rewrites the previous line with ANSI cursor codes.
 */
import type { Output } from "../io/output.js";

export interface ProgressLogger {
  appendNewLine(line: string): void;
  updateLastLine(line: string): void;
}

export function progressLogger(env: NodeJS.ProcessEnv, out: Output): ProgressLogger {
  const interactive = env["CI"] === undefined;
  return {
    appendNewLine: (line) => out.line(line),
    updateLastLine: (line) => (interactive ? out.raw(`\u001b[1A\r\u001b[J${line}\n`) : out.line(line)),
  };
}
