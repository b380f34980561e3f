/** Runs a CLI program: a ConfigError prints its issues and exits 78, any other error exits 1. */
import type { Command } from "commander";
import { ConfigError, CONFIG_EXIT_CODE } from "../config/index.js";

export async function runProgram(program: Command, name: string): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.format()}\n`);
      process.exitCode = CONFIG_EXIT_CODE;
    } else {
      process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  }
}
