import { execFile } from "node:child_process";
import { promisify } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isGuestError } from "../../../src/guest/guest-error.js";
import { shellQuote } from "../../../src/guest/shell-quote.js";

const run = promisify(execFile);

// What a guest shell prints back for `printf %s <quoted>`.
async function roundTrip(shell: string, value: string): Promise<string> {
  const { stdout } = await run(shell, ["-c", `printf %s ${shellQuote(value)}`], { encoding: "buffer" });
  return stdout.toString("utf8");
}

const nasty = [
  "",
  "'",
  "''",
  "it's",
  "a\nb\n",
  "$(touch /tmp/pwned)",
  "`id`",
  "$HOME ${x:-y} $((1+1))",
  "-n",
  "--help",
  "* ? [a] ~ ~root",
  "\\ \\\\ \\'",
  'say "hi"; exit 1 | & > < ( ) { } # !',
  "tab\tcr\rbell\u0007",
  "unicode: żółć 日本 🦄",
];

describe("shellQuote", () => {
  it("wraps in single quotes and escapes embedded quotes", () => {
    expect(shellQuote("plain")).toBe("'plain'");
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it("rejects NUL bytes with a coded error", () => {
    const thrown = ((): unknown => {
      try {
        return shellQuote("a\0b");
      } catch (error) {
        return error;
      }
    })();
    expect(isGuestError(thrown, "GUEST_VALUE_INVALID")).toBe(true);
    expect(String(thrown)).toMatch(/NUL/);
  });

  for (const shell of ["/bin/sh", "bash"]) {
    it(`round-trips hand-picked values through ${shell}`, async () => {
      for (const value of nasty) expect(await roundTrip(shell, value)).toBe(value);
    });

    it(`round-trips any string through ${shell}`, async () => {
      const anyString = fc.string({ unit: "binary", maxLength: 40 }).filter((value) => !value.includes("\0"));
      await fc.assert(
        fc.asyncProperty(anyString, async (value) => {
          expect(await roundTrip(shell, value)).toBe(value);
        }),
        { numRuns: 60 },
      );
    });
  }
});
