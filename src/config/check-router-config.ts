import { envValue, type ConfigEnvironment } from "./config-deps.js";
import { problem, type ConfigProblem } from "./config-problem.js";
import { githubApiUrlProblems } from "./github-api-url-check.js";
import type { RawRouterConfig } from "./router-config-schema.js";
import { ROUTER_DEFAULTS, ROUTER_ENV } from "./router-defaults.js";

function checkLabels(raw: RawRouterConfig): ConfigProblem[] {
  if (raw.labels !== undefined && raw.label !== undefined) {
    return [
      {
        path: ["label"],
        message: "cannot be used together with labels",
        hint: "keep only labels",
        at: "key",
      },
    ];
  }
  if (raw.labels === undefined && raw.label === undefined) {
    return [
      problem(
        ["labels"],
        "is required",
        "e.g. labels: tartelet — the router forwards jobs whose runs-on includes all of them",
      ),
    ];
  }
  return [];
}

function checkHosts(raw: RawRouterConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const names = new Map<string, number>();
  const urls = new Map<string, number>();
  raw.hosts.forEach((host, index) => {
    const sameName = names.get(host.hostname.toLowerCase());
    if (sameName !== undefined) {
      problems.push(
        problem(
          ["hosts", index, "hostname"],
          `"${host.hostname}" is already used by hosts[${sameName}]`,
          "every host needs its own hostname (the one its executor reports)",
        ),
      );
    } else names.set(host.hostname.toLowerCase(), index);
    const sameUrl = urls.get(host.url);
    if (sameUrl !== undefined) {
      problems.push(
        problem(
          ["hosts", index, "url"],
          `"${host.url}" is already used by hosts[${sameUrl}]`,
          "remove the duplicate entry",
        ),
      );
    } else urls.set(host.url, index);
  });
  return problems;
}

function checkSecretAndBackoff(raw: RawRouterConfig, env: ConfigEnvironment["env"]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const secret = raw.webhookSecret ?? envValue(env, ROUTER_ENV.webhookSecret);
  if (secret === undefined && raw.insecureSkipSignatureVerification !== true) {
    problems.push(
      problem(
        ["webhookSecret"],
        "is required: every webhook is checked against it (X-Hub-Signature-256) before it is forwarded",
        `set it to your GitHub App's webhook secret, or set ${ROUTER_ENV.webhookSecret}; only on a trusted network, set insecureSkipSignatureVerification: true instead`,
      ),
    );
  }
  const initial = raw.hostBackoff?.initialSeconds ?? ROUTER_DEFAULTS.hostBackoffInitialSeconds;
  const max = raw.hostBackoff?.maxSeconds ?? ROUTER_DEFAULTS.hostBackoffMaxSeconds;
  if (initial > max) {
    problems.push(
      problem(
        ["hostBackoff", "initialSeconds"],
        `must not exceed hostBackoff.maxSeconds (${max})`,
        `lower it, or raise hostBackoff.maxSeconds to at least ${initial}`,
      ),
    );
  }
  return problems;
}

/** Rules that involve more than one key, or the environment; run after the schema has passed. */
export function checkRouterConfig(raw: RawRouterConfig, deps: ConfigEnvironment): ConfigProblem[] {
  return [
    ...checkLabels(raw),
    ...checkHosts(raw),
    ...checkSecretAndBackoff(raw, deps.env),
    ...githubApiUrlProblems(raw.github?.apiUrl),
  ];
}
