/**
 * `host <name>`: each executor in tart-router.yaml answers its `/status`, under the hostname the
 * router expects (a mismatch means the router's ownership of jobs and runners will not line up).
 */
import type { RouterHostConfig } from "../config/router-config.js";
import { fail, pass, warn, type DoctorCheck } from "./doctor-check.js";

interface ExecutorStatusAnswer {
  readonly hostname?: unknown;
  readonly version?: unknown;
  readonly freeSlots?: unknown;
}

export async function routerHostsChecks(
  hosts: readonly RouterHostConfig[],
  fetch: typeof globalThis.fetch,
): Promise<DoctorCheck[]> {
  const checks = await Promise.all(hosts.map((host, index) => hostCheck(host, index, fetch)));
  if (hosts.length > 0 && checks.every((check) => check.status !== "PASS"))
    checks.push(
      fail("hosts", `none of the ${hosts.length} executors answers: jobs will queue until one does`),
    );
  return checks;
}

async function hostCheck(
  host: RouterHostConfig,
  index: number,
  fetch: typeof globalThis.fetch,
): Promise<DoctorCheck> {
  const name = `host ${host.hostname}`;
  let answer: ExecutorStatusAnswer;
  try {
    const response = await fetch(`${host.url}/status`, { signal: AbortSignal.timeout(3_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    answer = (await response.json()) as ExecutorStatusAnswer;
  } catch (error) {
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    return warn(
      name,
      `${host.url} does not answer (${reason})`,
      `start tart-executor on that Mac (\`brew services start tart-executor\`), or fix hosts[${index}].url`,
    );
  }
  if (answer.hostname !== host.hostname)
    return warn(
      name,
      `${host.url} answers as "${String(answer.hostname)}"`,
      `set hosts[${index}].hostname to the executor's own hostname setting ("${String(answer.hostname)}")`,
    );
  return pass(
    name,
    `${host.url} answers: tart-executor ${String(answer.version)}, ${String(answer.freeSlots)} free slot(s)`,
  );
}
