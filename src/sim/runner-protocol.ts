/**
 * The private protocol between the simulated runner (`~/actions-runner/run.sh` in a simulated
 * guest) and the fake GitHub. GitHub's real runner speaks a private Actions-service protocol that
 * no fake can serve, so the simulation defines its own, shaped after the real flow:
 *
 * JIT: `generate-jitconfig` answers `encoded_jit_config` = base64(JSON of {".runner": b64, ".credentials": b64})
 * like the real one; the decoded `.runner` is a RunnerSettings and `.credentials` a RunnerCredentials.
 *
 * Registration token (config.sh): the runner derives the API base from `--url` as the real runner
 * does (github.com → https://api.github.com, any other host → <scheme>://<host>/api/v3) and calls
 *   POST {api}/actions/runner-registration   Authorization: RemoteAuth <registration token>
 *        body RegisterRequest → 200 RegisterResponse (files to write into the runner directory)
 *
 * Listener (run.sh), all relative to RunnerSettings.serverUrl, Authorization: Bearer <credentials.token>:
 *   POST /_sim/runners/{runnerId}/sessions            → 201 { sessionId } (online) | 409 session conflict | 404 runner gone
 *   GET  /_sim/runners/{runnerId}/sessions/{sid}/job?waitMs=N
 *                                                     → 200 JobAssignment | 204 nothing yet | 404 runner gone
 *   POST /_sim/runners/{runnerId}/jobs/{jobId}/acquire → 200 (the runner accepted the assignment)
 *   POST /_sim/runners/{runnerId}/jobs/{jobId}/renew   → 200 { cancelled: boolean } (heartbeat, at least every second)
 *   POST /_sim/runners/{runnerId}/jobs/{jobId}/complete body { result } → 200
 *   DELETE /_sim/runners/{runnerId}/sessions/{sid}    → 204 (going offline)
 * The runner prints the real runner's lines: "√ Connected to GitHub", "Current runner version: '…'",
 * "<ISO date>: Listening for Jobs", "<ISO date>: Running job: <name>",
 * "<ISO date>: Job <name> completed with result: Succeeded|Failed|Canceled".
 */

/** Decoded `.runner` file. */
export interface RunnerSettings {
  readonly agentId: number;
  readonly agentName: string;
  readonly poolId: number;
  readonly poolName: string;
  /** Base URL of the fake GitHub (the simulated Actions service). */
  readonly serverUrl: string;
  /** The org or repo URL the runner belongs to. */
  readonly gitHubUrl: string;
  readonly workFolder: string;
  readonly ephemeral: boolean;
  readonly disableUpdate: boolean;
}

/** Decoded `.credentials` file. */
export interface RunnerCredentials {
  readonly scheme: "OAuth";
  readonly data: { readonly clientId: string; readonly token: string };
}

export interface RegisterRequest {
  readonly url: string;
  readonly runner_event: "register";
  readonly name: string;
  readonly labels: readonly string[];
  readonly runnerGroup: string | null;
  readonly ephemeral: boolean;
  readonly replace: boolean;
  readonly disableUpdate: boolean;
  readonly noDefaultLabels: boolean;
  readonly workFolder: string;
}

export interface RegisterResponse {
  readonly runner: RunnerSettings;
  readonly credentials: RunnerCredentials;
}

export interface JobAssignment {
  readonly jobId: number;
  readonly runId: number;
  readonly name: string;
  readonly repo: string;
  /** How long the simulated job runs. */
  readonly durationMs: number;
  /** The result the job will report unless cancelled or the runner is lost. */
  readonly result: "Succeeded" | "Failed";
}

export const RUNNER_VERSION = "2.336.0";

/** encoded_jit_config → the two decoded files. */
export function decodeJitConfig(encoded: string): { runner: RunnerSettings; credentials: RunnerCredentials } {
  const files = JSON.parse(Buffer.from(encoded, "base64").toString("utf8")) as Record<string, string>;
  const runner = files[".runner"];
  const credentials = files[".credentials"];
  if (runner === undefined || credentials === undefined)
    throw new Error("jitconfig lacks .runner or .credentials");
  return {
    runner: JSON.parse(Buffer.from(runner, "base64").toString("utf8")) as RunnerSettings,
    credentials: JSON.parse(Buffer.from(credentials, "base64").toString("utf8")) as RunnerCredentials,
  };
}

/** The two files → encoded_jit_config, in the real format. */
export function encodeJitConfig(runner: RunnerSettings, credentials: RunnerCredentials): string {
  const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64");
  return b64({
    ".runner": b64(runner),
    ".credentials": b64(credentials),
    ".credentials_rsaparams": b64({
      d: "sim",
      dp: "sim",
      dq: "sim",
      exponent: "AQAB",
      inverseQ: "sim",
      modulus: "sim",
      p: "sim",
      q: "sim",
    }),
  });
}
