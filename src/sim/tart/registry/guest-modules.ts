/**
 * The simulated guest's entry points (`src/sim/guest`), loaded lazily so the rest of the simulated
 * tart works even where the guest is unavailable: pulls then create images without a guest disk,
 * and runs boot without an SSH server, each saying so on stderr.
 */
import type { SeedGuest, StartGuest } from "../../guest/guest-contract.js";

export async function loadSeedGuest(): Promise<SeedGuest | string> {
  return loadExport<SeedGuest>("../../guest/seed-guest.js", "seedGuest");
}

export async function loadStartGuest(): Promise<StartGuest | string> {
  return loadExport<StartGuest>("../../guest/start-guest.js", "startGuest");
}

/** The named function export, or a description of why it could not be loaded. */
async function loadExport<F>(relative: string, name: string): Promise<F | string> {
  try {
    const module: unknown = await import(new URL(relative, import.meta.url).href);
    const value = (module as Record<string, unknown>)[name];
    return typeof value === "function" ? (value as F) : `${relative} has no function export ${name}`;
  } catch (error) {
    return (error as Error).message;
  }
}
