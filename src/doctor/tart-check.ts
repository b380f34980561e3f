/**
 * `tart`: found (configured path or PATH/Homebrew), answers `--version` through the Tart adapter,
 * and is new enough.
 */
import { INSTALL_TART_HINT, TART_FORMULA } from "../cli/resolve-tart-executable.js";
import { fail, pass, warn, type DoctorCheck } from "./doctor-check.js";
import { TartError } from "../tart/tart-error.js";
import type { DoctorTart, DoctorTartFactory } from "./doctor-tart.js";
import { isSupportedTart, MINIMUM_TART_VERSION, parseTartVersion } from "./tart-version.js";

export interface TartCheckInput {
  /** `tart.executable` from the config, if set. */
  readonly configured: string | undefined;
  readonly resolve: (configured: string | undefined) => string | null;
  readonly tartAt: DoctorTartFactory;
  readonly env: Readonly<Record<string, string>>;
}

export async function tartCheck(
  input: TartCheckInput,
): Promise<{ check: DoctorCheck; executable: string | null; tart: DoctorTart | null }> {
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
    return { check, executable: null, tart: null };
  }
  const tart = input.tartAt(executable, input.env);
  let printed: string;
  try {
    printed = await tart.version();
  } catch (error) {
    return {
      check: fail(
        "tart",
        `\`${executable} --version\` failed: ${versionFailure(error)}`,
        `reinstall tart: \`brew reinstall ${TART_FORMULA}\``,
      ),
      executable,
      tart: null,
    };
  }
  const version = parseTartVersion(printed);
  if (version === null)
    return {
      check: warn(
        "tart",
        `${executable} printed no version we can read ("${printed}")`,
        `tart ${MINIMUM_TART_VERSION} or newer is needed`,
      ),
      executable,
      tart,
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
      tart,
    };
  return {
    check: pass("tart", `tart ${printed} at ${executable} (${MINIMUM_TART_VERSION} or newer needed)`),
    executable,
    tart,
  };
}

/** What tart said when `--version` failed: its first line, else how it ended. */
function versionFailure(error: unknown): string {
  if (!(error instanceof TartError)) return error instanceof Error ? error.message : String(error);
  if (error.code === "TART_TIMEOUT") return "no answer within 30 s";
  if (error.code === "TART_NOT_FOUND") return "it could not be started";
  return error.firstLine !== "" ? error.firstLine : `exit code ${String(error.exitCode)}`;
}
