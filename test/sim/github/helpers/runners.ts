/** Creates JIT runners through the REST API and connects them, as the daemon + a VM would. */
import type { Fixture } from "./fixture.js";
import { ORG } from "./fixture.js";
import { call } from "./http.js";
import { TestRunner } from "./test-runner.js";

export async function jitRunner(
  f: Fixture,
  auth: string,
  name: string,
  labels: string[],
  scope = `orgs/${ORG}`,
  connect = true,
): Promise<TestRunner> {
  const result = await call("POST", `${f.gh.apiUrl}/${scope}/actions/runners/generate-jitconfig`, {
    auth,
    body: { name, runner_group_id: 1, labels },
  });
  if (result.status !== 201) throw new Error(`generate-jitconfig answered ${result.status}: ${result.text}`);
  const runner = TestRunner.fromJit((result.body as { encoded_jit_config: string }).encoded_jit_config);
  if (connect && (await runner.connect()).status !== 201) throw new Error(`runner ${name} could not connect`);
  return runner;
}
