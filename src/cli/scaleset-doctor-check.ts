/**
 * `doctor` in scale-set mode: can the App reach the scale-set API (registration token →
 * actions/runner-registration → runner group), and does this host's scale set exist? Whether a
 * listener holds its session is the running daemon's `/status` (`scaleSet.session`).
 */
import { systemClock } from "../clock.js";
import type { ExecutorConfig } from "../config/executor-config.js";
import { fail, pass, warn, type DoctorCheck } from "../doctor/doctor-check.js";
import { GitHubClient } from "../github/github-client.js";
import { runnerScopeOf } from "../github/runner-scope.js";
import type { Fetch } from "../scaleset/actions-connection.js";
import { findScaleSet, runnerGroupId } from "../scaleset/scale-set-api.js";
import { actionsConnectionFor, desiredScaleSet } from "./scaleset-job-source.js";

const NAME = "scale-set API";

export async function scaleSetDoctorCheck(
  config: ExecutorConfig,
  privateKeyPem: string,
  fetchImpl: Fetch = fetch,
): Promise<DoctorCheck> {
  const desired = desiredScaleSet(config);
  const github = new GitHubClient({
    appId: config.github.appId,
    privateKeyPem,
    apiUrl: config.github.apiUrl,
    scope: runnerScopeOf(config.github),
    clock: systemClock,
    userAgent: "tart-executor-doctor",
  });
  const connection = actionsConnectionFor(config, {
    github,
    clock: systemClock,
    random: Math.random,
    fetch: fetchImpl,
  });
  const signal = AbortSignal.timeout(20_000);
  let groupId: number;
  try {
    groupId = await runnerGroupId(connection, desired.runnerGroup, signal);
  } catch (error) {
    return fail(
      NAME,
      `cannot use the runner scale-set API: ${error instanceof Error ? error.message : String(error)}`,
      "the App needs Self-hosted runners: read and write (organization) or Administration: read and write (repository); check github.scaleSet.runnerGroup",
    );
  }
  try {
    const existing = await findScaleSet(connection, groupId, desired.name, signal);
    return existing === null
      ? warn(
          NAME,
          `reachable; scale set "${desired.name}" does not exist yet in runner group ${desired.runnerGroup}`,
          "the daemon creates it when it starts",
        )
      : pass(NAME, `scale set "${desired.name}" (id ${existing.id}) in runner group ${desired.runnerGroup}`);
  } catch (error) {
    return fail(
      NAME,
      `cannot look up scale set "${desired.name}": ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
