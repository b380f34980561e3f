/**
 * `webhook port` / `port`: the daemon can listen where it is configured to. A port held by the
 * same daemon (doctor run next to the running service) is fine; anything else holding it is not.
 */
import type { AdminHealth } from "../admin/admin-routes.js";
import { localAdminUrl } from "../admin/local-admin-url.js";
import { fail, pass, type DoctorCheck } from "./doctor-check.js";
import type { DoctorDeps } from "./doctor-deps.js";

export interface PortCheckInput {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly service: AdminHealth["service"];
  /** The config keys that set host and port, for the hint. */
  readonly keys: string;
}

export async function portCheck(
  input: PortCheckInput,
  deps: Pick<DoctorDeps, "probePort" | "fetch">,
): Promise<DoctorCheck> {
  const where = `${input.host}:${input.port}`;
  const probe = await deps.probePort(input.host, input.port);
  if (probe.free) return pass(input.name, `${where} is free`);
  if (probe.code === "EADDRINUSE") {
    const running = await runningService(localAdminUrl(input.host, input.port), deps.fetch);
    if (running?.service === input.service)
      return pass(
        input.name,
        `${where} is held by the running ${running.service} ${running.version} (${running.hostname})`,
      );
    return fail(
      input.name,
      `${where} is already in use by another program`,
      `find it with \`lsof -nP -iTCP:${input.port} -sTCP:LISTEN\`, stop it, or change ${input.keys}`,
    );
  }
  if (probe.code === "EACCES")
    return fail(input.name, `not allowed to listen on ${where}`, `use a port above 1023 in ${input.keys}`);
  if (probe.code === "EADDRNOTAVAIL")
    return fail(
      input.name,
      `${input.host} is not an address of this Mac`,
      `set ${input.keys} to 0.0.0.0 or one of this Mac's addresses`,
    );
  return fail(input.name, `cannot listen on ${where} (${probe.code})`);
}

async function runningService(baseUrl: string, fetch: typeof globalThis.fetch): Promise<AdminHealth | null> {
  try {
    const response = await fetch(`${baseUrl}/api/v1/health`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) return null;
    return (await response.json()) as AdminHealth;
  } catch {
    return null;
  }
}
