import { envValue, type ConfigEnvironment } from "./config-deps.js";
import { problem, type ConfigProblem } from "./config-problem.js";
import type { RawExecutorConfig } from "./executor-config-schema.js";
import { EXECUTOR_ENV } from "./executor-defaults.js";
import { githubApiUrlProblems } from "./github-api-url-check.js";
import { isImageAllowed } from "./image-pattern.js";
import { checkWarmPool } from "./check-warm-pool.js";

function checkScope(github: RawExecutorConfig["github"]): ConfigProblem[] {
  if (github.runnerScope === "organization") {
    return github.organizationName === undefined
      ? [
          problem(
            ["github", "organizationName"],
            "is required when github.runnerScope is organization",
            "set it to the organization's login exactly as GitHub shows it, e.g. acme",
          ),
        ]
      : [];
  }
  const missing = (["ownerName", "repositoryName"] as const).filter((key) => github[key] === undefined);
  return missing.map((key) =>
    problem(
      ["github", key],
      "is required when github.runnerScope is repo",
      "for https://github.com/acme/app set ownerName: acme and repositoryName: app",
    ),
  );
}

function checkGitHub(raw: RawExecutorConfig, env: ConfigEnvironment["env"]): ConfigProblem[] {
  const problems = checkScope(raw.github);
  const secret = raw.github.webhookSecret ?? envValue(env, EXECUTOR_ENV.webhookSecret);
  // In scale-set mode no webhook reaches the executor, so no secret is needed.
  if (
    secret === undefined &&
    raw.github.jobSource !== "scaleset" &&
    raw.webhook.insecureSkipSignatureVerification !== true
  ) {
    problems.push(
      problem(
        ["github", "webhookSecret"],
        "is required: every webhook is checked against it (X-Hub-Signature-256) before a VM is started",
        `set it to your GitHub App's webhook secret, or set ${EXECUTOR_ENV.webhookSecret}; only on a trusted network, set webhook.insecureSkipSignatureVerification: true instead`,
      ),
    );
  }
  problems.push(...githubApiUrlProblems(raw.github.apiUrl));
  return problems;
}

function checkBudgets(raw: RawExecutorConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { defaultCpu, defaultMemory } = raw.tart ?? {};
  if (defaultCpu !== undefined && raw.cpuLimit !== undefined && defaultCpu > raw.cpuLimit) {
    problems.push(
      problem(
        ["tart", "defaultCpu"],
        `must not exceed cpuLimit (${raw.cpuLimit}), or no VM with the default size could ever start`,
        `lower it to ${raw.cpuLimit} or raise cpuLimit`,
      ),
    );
  }
  if (defaultMemory !== undefined && raw.totalMemory !== undefined && defaultMemory > raw.totalMemory) {
    problems.push(
      problem(
        ["tart", "defaultMemory"],
        `must not exceed totalMemory (${raw.totalMemory} MB), or no VM with the default size could ever start`,
        `lower it to ${raw.totalMemory} or raise totalMemory`,
      ),
    );
  }
  return problems;
}

function checkTart(raw: RawExecutorConfig, env: ConfigEnvironment["env"]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const allow = raw.tart?.images?.allow ?? [];
  for (const [alias, image] of Object.entries(raw.tart?.images?.aliases ?? {})) {
    const path = ["tart", "images", "aliases", alias];
    if (alias.trim() === "" || /[\s,]/.test(alias)) {
      problems.push({
        path,
        message: "alias names are runs-on labels and must not be empty or contain spaces or commas",
        at: "key",
      });
    } else if (!isImageAllowed(allow, image)) {
      problems.push(
        problem(
          path,
          `points to "${image}", which tart.images.allow does not allow`,
          "add a matching pattern to tart.images.allow or change the alias",
        ),
      );
    }
  }
  const seen = new Set<string>();
  (raw.tart?.mounts ?? []).forEach((mount, index) => {
    if (seen.has(mount.name))
      problems.push(
        problem(
          ["tart", "mounts", index, "name"],
          `"${mount.name}" is already used by another mount`,
          "give every mount its own name",
        ),
      );
    seen.add(mount.name);
  });
  const registry = raw.tart?.registry;
  if (
    registry !== undefined &&
    registry.password === undefined &&
    envValue(env, EXECUTOR_ENV.registryPassword) === undefined
  ) {
    problems.push(
      problem(
        ["tart", "registry", "password"],
        "is required with tart.registry.username",
        `set it here or in ${EXECUTOR_ENV.registryPassword}`,
      ),
    );
  }
  return problems;
}

/** Rules that involve more than one key, or the environment; run after the schema has passed. */
export function checkExecutorConfig(raw: RawExecutorConfig, deps: ConfigEnvironment): ConfigProblem[] {
  return [
    ...checkGitHub(raw, deps.env),
    ...checkBudgets(raw),
    ...checkTart(raw, deps.env),
    ...checkWarmPool(raw),
  ];
}
