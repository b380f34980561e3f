import { problem, type ConfigProblem } from "./config-problem.js";

/** `github.apiUrl` (either daemon's file) must be the REST API, not the website. */
export function githubApiUrlProblems(apiUrl: string | undefined): ConfigProblem[] {
  if (apiUrl === undefined || new URL(apiUrl).hostname.toLowerCase() !== "github.com") return [];
  return [
    problem(
      ["github", "apiUrl"],
      "is the website, not the REST API",
      "use https://api.github.com (or https://HOST/api/v3 for GitHub Enterprise Server)",
    ),
  ];
}
