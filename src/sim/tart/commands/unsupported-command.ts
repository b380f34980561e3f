/** Real tart subcommands the simulation does not implement (push, import, export): a clear failure. */
import type { TartCommand } from "../cli/command-spec.js";
import { TartFailure } from "../cli/errors.js";

export function unsupportedCommand(name: string, abstract: string): TartCommand {
  return {
    spec: {
      name,
      abstract,
      args: [{ type: "positional", name: "arguments", help: "", repeating: true, optional: true }],
    },
    run: async () => {
      throw new TartFailure(`[tart-sim] "tart ${name}" is not simulated`);
    },
  };
}
