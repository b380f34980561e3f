import { GuestError } from "./guest-error.js";

/**
 * Quotes `value` as one word for POSIX sh, bash and zsh: single quotes keep every byte literal
 * (newlines, `$(…)`, backticks, globs, a leading `-` stays an argument, not an option to the
 * shell), and an embedded `'` becomes `'\''` (close, escaped quote, reopen).
 * NUL cannot travel inside a C string (argv, `sh -c`), so it is refused rather than truncated.
 */
export function shellQuote(value: string): string {
  if (value.includes("\0")) {
    throw new GuestError("GUEST_VALUE_INVALID", "a shell value cannot contain a NUL byte");
  }
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
