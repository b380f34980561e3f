/**
 * Everything a simulated tart command needs from its surroundings, built once per invocation:
 * the environment, output streams, SIGINT cancellation, TART_HOME and the simulation's config.
 */
import { readSimConfig, simDir as simDirOf } from "../sim-config.js";
import type { SimConfig } from "../sim-config.js";
import { TartFailure } from "./cli/errors.js";
import type { Output } from "./io/output.js";
import { readSimExtras } from "./state/sim-extras.js";
import type { SimExtras } from "./state/sim-extras.js";
import { openTartHome, tartHomePath } from "./storage/tart-home.js";
import type { TartHome } from "./storage/tart-home.js";

export interface TartContext {
  readonly env: NodeJS.ProcessEnv;
  readonly out: Output;
  /** Aborted by SIGINT, like the cancellation of tart's root task. */
  readonly cancel: AbortSignal;
  /** `<simDir>`: the simulation's control files (config, leases, invocation log, locks). */
  readonly simDir: string;
  /** Opens TART_HOME (creating it), throwing tart's error when impossible. */
  home(): TartHome;
  config(): SimConfig;
  extras(): SimExtras;
}

export function createContext(env: NodeJS.ProcessEnv, out: Output, cancel: AbortSignal): TartContext {
  const dir = simDirOf(tartHomePath(env), env);
  let home: TartHome | undefined;
  let config: SimConfig | undefined;
  let extras: SimExtras | undefined;
  return {
    env,
    out,
    cancel,
    simDir: dir,
    home: () => (home ??= openTartHome(env)),
    config: () => (config ??= loadConfig(dir)),
    extras: () => (extras ??= readSimExtras(dir)),
  };
}

function loadConfig(dir: string): SimConfig {
  try {
    return readSimConfig(dir);
  } catch (error) {
    throw new TartFailure(`[tart-sim] invalid ${dir}/config.json: ${(error as Error).message}`);
  }
}
