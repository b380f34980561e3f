/**
 * The REST API base the real runner derives from `config.sh --url`: github.com-like hosts use
 * `api.<host>`, every other host is treated as GitHub Enterprise Server, `<host>/api/v3`
 * (`GITHUB_ACTIONS_RUNNER_FORCE_GHES=1` forces the latter). The fake GitHub on loopback is GHES.
 */

export function apiBaseFromUrl(gitHubUrl: string, env: NodeJS.ProcessEnv): string {
  const url = new URL(gitHubUrl);
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`Invalid URL: ${gitHubUrl}`);
  const host = url.hostname.toLowerCase();
  const hosted =
    host === "github.com" ||
    host.endsWith(".ghe.com") ||
    host === "github.localhost" ||
    host.endsWith(".ghe.localhost");
  if (hosted && env["GITHUB_ACTIONS_RUNNER_FORCE_GHES"] !== "1") return `${url.protocol}//api.${url.host}`;
  return `${url.protocol}//${url.host}/api/v3`;
}
