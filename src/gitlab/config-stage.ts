/**
 * `config`: the JSON GitLab Runner reads from config_exec's stdout (docs/gitlab.md "config").
 * The guest's builds and cache directories sit in the SSH user's home unless given.
 */
import type { DriverContext } from "./driver-context.js";

export interface ConfigOptions {
  readonly buildsDir?: string;
  readonly cacheDir?: string;
  readonly version: string;
}

export function configStage(context: DriverContext, options: ConfigOptions): void {
  const user = context.env["CUSTOM_ENV_TART_SSH_USERNAME"] || "admin";
  const home = `/Users/${user.replace(/[^A-Za-z0-9._-]/g, "_")}`;
  const output = {
    builds_dir: options.buildsDir ?? `${home}/builds`,
    cache_dir: options.cacheDir ?? `${home}/cache`,
    builds_dir_is_shared: true,
    hostname: context.hostname,
    driver: { name: "gitlab-runner-tart-driver (tart-executor)", version: options.version },
    job_env: {},
  };
  context.stdout.write(`${JSON.stringify(output)}\n`);
}
