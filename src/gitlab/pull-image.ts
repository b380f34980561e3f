/**
 * Pulls the job's image per TART_PULL_POLICY (seed driver): `always` pulls, `if-not-present`
 * pulls when tart's OCI cache lacks it, `never` refuses an uncached image. Local VM names are
 * cloned as they are. Registry credentials reach tart only through its environment.
 */
import type { ImageReference } from "../github/image-reference.js";
import type { Tart } from "../tart/tart.js";
import { DriverFailure } from "./driver-failure.js";
import type { PullPolicy, RegistryLogin } from "./job-variables.js";

export function registryEnv(login: RegistryLogin | undefined): Record<string, string> {
  return login === undefined
    ? {}
    : {
        TART_REGISTRY_HOSTNAME: login.host,
        TART_REGISTRY_USERNAME: login.username,
        TART_REGISTRY_PASSWORD: login.password,
      };
}

export async function pullPerPolicy(
  tart: Pick<Tart, "pull" | "listOci">,
  image: ImageReference,
  policy: PullPolicy,
  options: { env: Record<string, string>; signal: AbortSignal; say: (line: string) => void },
): Promise<void> {
  if (image.kind === "local") return;
  const cached = policy === "always" ? false : (await tart.listOci()).includes(image.value);
  if (cached) return;
  if (policy === "never")
    throw new DriverFailure("build", `image ${image.value} is not on this Mac and TART_PULL_POLICY is never`);
  options.say(`Pulling ${image.value} (pull policy ${policy})...`);
  await tart.pull(image.value, {
    insecure: false,
    env: options.env,
    signal: options.signal,
    timeoutMs: 3_600_000,
  });
}
