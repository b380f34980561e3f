/**
 * The runner's registration, asked for while the VM boots: a single-use JIT config, or — once
 * GitHub has shown it has no generate-jitconfig endpoint (GHES before 3.10) — a registration token
 * for `config.sh`, for every VM from then on. `signal` ends the requests when the VM is torn down.
 */
import type { RunnerRegistration } from "./runner-bootstrap.js";
import type { VmSpec } from "./model.js";
import type { VmLifecycleDeps } from "./vm-lifecycle-deps.js";

export async function requestRegistration(
  name: string,
  spec: VmSpec,
  deps: Pick<VmLifecycleDeps, "github" | "settings" | "registration" | "log">,
  signal: AbortSignal,
): Promise<{ registration: RunnerRegistration; runnerId: number | null }> {
  const labels = spec.labels.includes("self-hosted") ? spec.labels : ["self-hosted", ...spec.labels];
  if (deps.registration.mode === "jit") {
    const groupId = await deps.github.runnerGroupId(deps.settings.runnerGroup);
    try {
      const jit = await deps.github.generateJitConfig(
        {
          name,
          labels,
          runnerGroupId: groupId,
          workFolder: deps.settings.workFolder,
        },
        signal,
      );
      return {
        registration: { kind: "jit", encodedJitConfig: jit.encodedJitConfig },
        runnerId: jit.runner.id,
      };
    } catch (error) {
      // GHES before 3.10 has no JIT endpoint: from now on, register with config.sh and a token.
      if ((error as { status?: number }).status !== 404) throw error;
      deps.registration.mode = "token";
      deps.log.warn(
        "this GitHub has no generate-jitconfig endpoint (GHES < 3.10): using registration tokens",
      );
    }
  }
  const token = await deps.github.createRegistrationToken(signal);
  return {
    registration: {
      kind: "registration",
      token: token.token,
      url: deps.github.runnerUrl,
      name,
      labels: spec.labels,
      runnerGroup: deps.settings.runnerGroup,
      workFolder: deps.settings.workFolder,
      disableUpdate: deps.settings.disableUpdates,
    },
    runnerId: null,
  };
}
