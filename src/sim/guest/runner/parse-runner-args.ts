/**
 * Command-line parsing as the real runner's CommandSettings does it: `--name value` options and
 * bare `--flag`s, names case-insensitive, and every one also settable through the environment as
 * `ACTIONS_RUNNER_INPUT_<NAME>` (which keeps secrets such as a JIT config out of `ps`).
 */

export interface RunnerArgSpec {
  readonly values: readonly string[];
  readonly flags: readonly string[];
}

export interface RunnerArgs {
  value(name: string): string | undefined;
  flag(name: string): boolean;
}

export type ParseResult =
  { readonly ok: true; readonly args: RunnerArgs } | { readonly ok: false; readonly error: string };

export function parseRunnerArgs(
  argv: readonly string[],
  spec: RunnerArgSpec,
  env: NodeJS.ProcessEnv,
): ParseResult {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const unknown: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? "";
    const name = arg.startsWith("--") ? arg.slice(2).toLowerCase() : undefined;
    if (name !== undefined && spec.flags.includes(name)) {
      flags.add(name);
    } else if (name !== undefined && spec.values.includes(name)) {
      const value = argv[i + 1];
      if (value === undefined)
        return { ok: false, error: `Missing value for the command-line argument '${arg}'.` };
      values.set(name, value);
      i += 1;
    } else {
      unknown.push(arg);
    }
  }
  if (unknown.length > 0) {
    return {
      ok: false,
      error:
        `Unrecognized command-line input arguments: '${unknown.join(", ")}'. ` +
        `For usage refer to: .\\config.cmd --help or ./config.sh --help`,
    };
  }
  const fromEnv = (name: string): string | undefined => env[`ACTIONS_RUNNER_INPUT_${name.toUpperCase()}`];
  return {
    ok: true,
    args: {
      value: (name) => values.get(name) ?? fromEnv(name),
      flag: (name) => flags.has(name) || fromEnv(name)?.toLowerCase() === "true",
    },
  };
}
