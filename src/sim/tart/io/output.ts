/**
 * stdout/stderr as tart uses them: `print` is line-buffered on stdout, errors go to stderr.
 * Writes are flushed before the process exits, so a caller reading pipes sees every line.
 */
export interface Output {
  /** `print(line)`: the line plus a newline on stdout. */
  line(text: string): void;
  /** Raw text on stdout (the interactive progress logger's cursor codes). */
  raw(text: string): void;
  /** The line plus a newline on stderr. */
  error(text: string): void;
}

export const processOutput: Output = {
  line: (text) => {
    process.stdout.write(`${text}\n`);
  },
  raw: (text) => {
    process.stdout.write(text);
  },
  error: (text) => {
    process.stderr.write(`${text}\n`);
  },
};

/** Resolves once everything written so far to stdout and stderr has been handed to the OS. */
export async function flushOutput(): Promise<void> {
  await Promise.all([drain(process.stdout), drain(process.stderr)]);
}

function drain(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) {
      resolve();
      return;
    }
    stream.write("", () => resolve());
  });
}
