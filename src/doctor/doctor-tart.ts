/** The Tart adapter (src/tart/tart.ts) as doctor uses it: `tart --version` and the local VM list. */
import { Tart } from "../tart/tart.js";

export type DoctorTart = Pick<Tart, "version" | "listLocal">;

/** Makes the adapter for the tart that was found, with the environment the daemon gives it. */
export type DoctorTartFactory = (executable: string, env: Readonly<Record<string, string>>) => DoctorTart;

/** The real adapter; doctor's commands each get 30 s. */
export const doctorTart: DoctorTartFactory = (executable, env) =>
  new Tart({ executable, env, defaultTimeoutMs: 30_000 });
