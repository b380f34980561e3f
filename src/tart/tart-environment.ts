/**
 * The environment tart runs with: the daemon's own, without the daemon's secrets
 * (`TART_EXECUTOR_*`, `TART_ROUTER_*`), plus `TART_HOME` when the configuration sets one and
 * `CI=1`, so that tart prints plain progress lines instead of ANSI rewrites (tart-cli.md §5.15).
 */
export function tartEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  homeFolder: string | undefined,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || name.startsWith("TART_EXECUTOR_") || name.startsWith("TART_ROUTER_")) continue;
    result[name] = value;
  }
  if (homeFolder !== undefined) result["TART_HOME"] = homeFolder;
  result["CI"] = "1";
  return result;
}
