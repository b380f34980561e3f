/** `tart`: found (configured path or PATH/Homebrew), answers `--version`, and is new enough. */
import { INSTALL_TART_HINT, TART_FORMULA } from "../cli/resolve-tart-executable.js";
import { fail, pass, warn, type DoctorCheck } from "./doctor-check.js";
import type { RunCommand } from "./doctor-deps.js";
import { isSupportedTart, MINIMUM_TART_VERSION, parseTartVersion } from "./tart-version.js";

export interface TartCheckInput {
  /** `tart.executable` from the config, if set. */
  readonly configured: string | undefined;
  readonly resolve: (configured: string | undefined) => string | null;
  readonly runCommand: RunCommand;
  readonly env: Readonly<Record<string, string>>;
}

export async function tartCheck(
  input: TartCheckInput,
): Promise<{ check: DoctorCheck; executable: string | null }> {
  const executable = input.resolve(input.configured);
  if (executable === null) {
    const check =
      input.configured === undefined
        ? fail("tart", "not found on PATH, in /opt/homebrew/bin or in /usr/local/bin", INSTALL_TART_HINT)
        : fail(
            "tart",
            `tart.executable ${input.configured} is not an executable file`,
            "fix the path, or remove tart.executable to use tart from PATH or Homebrew",
          );
    return { check, executable: null };
  }
  const result = await input.runCommand(executable, ["--version"], { env: input.env, timeoutMs: 15_000 });
  if (result.exitCode !== 0) {
    const said =
      firstLine(result.stderr) ?? firstLine(result.stdout) ?? `exit code ${String(result.exitCode)}`;
    return {
      check: fail(
        "tart",
        `\`${executable} --version\` failed: ${said}`,
        `reinstall tart: \`brew reinstall ${TART_FORMULA}\``,
      ),
      executable,
    };
  }
  const version = parseTartVersion(result.stdout);
  const printed = result.stdout.trim();
  if (version === null)
    return {
      check: warn(
        "tart",
        `${executable} printed no version we can read ("${printed}")`,
        `tart ${MINIMUM_TART_VERSION} or newer is needed`,
      ),
      executable,
    };
  if (!isSupportedTart(version))
    return {
      check: fail(
        "tart",
        `tart ${printed} at ${executable} is older than ${MINIMUM_TART_VERSION}, the oldest release tart-executor supports`,
        // The old tap (cirruslabs/cli/tart) is frozen, so an old tart usually comes from there.
        `install it from tart's current tap: \`brew uninstall cirruslabs/cli/tart; brew install ${TART_FORMULA}\` (or \`brew upgrade ${TART_FORMULA}\`)`,
      ),
      executable,
    };
  return {
    check: pass("tart", `tart ${printed} at ${executable} (${MINIMUM_TART_VERSION} or newer needed)`),
    executable,
  };
}

function firstLine(text: string): string | null {
  return (
    text
      .split("\n")
      .find((line) => line.trim() !== "")
      ?.trim() ?? null
  );
}
