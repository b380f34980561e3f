/** Runs formula-dsl-stub.rb (Homebrew's Formula DSL stand-in) on a formula and parses its report. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ruby } from "./ruby.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const STUB = "test/packaging/formula-dsl-stub.rb";

export interface StubReport {
  readonly name: string;
  readonly version: string;
  readonly meta: Record<string, unknown[]>;
  readonly service: Record<string, unknown>;
  readonly hasTest: boolean;
  readonly caveats: string | null;
  readonly install?: {
    readonly systemCalls: string[][];
    readonly stdNpmArgs: string[];
    readonly bin: Record<string, string>;
    readonly binResolves: Record<string, boolean>;
    readonly config: string | null;
    readonly installedConfig: string | null;
    readonly configKeptOnReinstall: boolean;
    readonly logDirectory: boolean;
  };
  readonly testPassed?: boolean;
}

export function stub(formula: string, ...args: string[]): StubReport {
  const result = ruby([STUB, formula, ...args], { cwd: ROOT });
  if (result.status !== 0) throw new Error(`${STUB} ${formula} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as StubReport;
}
