/** `webhook secret`: set, and not the example file's placeholder. */
import { fail, pass, warn, type DoctorCheck } from "./doctor-check.js";

export interface WebhookSecretInput {
  readonly secret: string | undefined;
  readonly skipVerification: boolean;
  /** The environment variable that can hold it, for the hint. */
  readonly envName: string;
  /** Where it goes in the config file, e.g. `github.webhookSecret`. */
  readonly key: string;
}

/** GitHub does not limit the length; anything shorter than this is guessable. */
const SHORT = 16;

export function webhookSecretCheck(input: WebhookSecretInput): DoctorCheck {
  const set = `set ${input.key} (or $${input.envName}) to the secret in the GitHub App's webhook settings`;
  if (input.skipVerification)
    return warn(
      "webhook secret",
      "signature verification is switched off: anyone who can reach the port can start VMs",
      `${set} and remove insecureSkipSignatureVerification`,
    );
  if (input.secret === undefined) return fail("webhook secret", "no webhook secret is set", set);
  if (input.secret.startsWith("replace-with-"))
    return fail(
      "webhook secret",
      "still the example file's placeholder",
      `${set}; generate one with \`openssl rand -hex 32\``,
    );
  if (input.secret.length < SHORT)
    return warn(
      "webhook secret",
      `only ${input.secret.length} characters long`,
      "use a random secret of 32 or more characters (`openssl rand -hex 32`) in both places",
    );
  return pass("webhook secret", "set; every webhook's signature is checked");
}
