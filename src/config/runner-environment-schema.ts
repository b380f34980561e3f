import { z } from "zod";
import { rule } from "./rule.js";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// The daemon hands the runner its registration through these; a configured value must not replace it.
const RESERVED = /^(ACTIONS_RUNNER_INPUT_|TART_EXECUTOR_)/;

/**
 * `runner.environment`: variables exported for the runner (and so for every job step) after the
 * guest's login profiles are read. Names are shell variable names; numbers and booleans are
 * taken as their text, so `RETRIES: 3` works unquoted.
 */
export function runnerEnvironmentSchema() {
  return z
    .record(
      z.string(),
      z.union([z.string(), z.number(), z.boolean()]).transform((value) => String(value)),
    )
    .superRefine(
      rule(
        (env: Record<string, string>) => Object.keys(env).every((name) => NAME.test(name)),
        (env) =>
          `variable names must be letters, digits and '_' and not start with a digit: ${Object.keys(env)
            .filter((name) => !NAME.test(name))
            .map((name) => JSON.stringify(name))
            .join(", ")}`,
        "e.g. LANG, HOMEBREW_NO_AUTO_UPDATE",
      ),
    )
    .superRefine(
      rule(
        (env: Record<string, string>) => !Object.keys(env).some((name) => RESERVED.test(name)),
        (env) =>
          `${Object.keys(env)
            .filter((name) => RESERVED.test(name))
            .join(
              ", ",
            )} cannot be set: the executor passes the runner's registration in ACTIONS_RUNNER_INPUT_* and TART_EXECUTOR_* variables`,
      ),
    )
    .superRefine(
      rule(
        (env: Record<string, string>) => !Object.values(env).some((value) => value.includes("\0")),
        "values cannot contain a NUL character",
      ),
    );
}
