/** `config`: the file was found and is valid; otherwise every problem, each with its own fix. */
import { formatConfigIssue } from "../config/config-error.js";
import { fail, pass, type DoctorCheck } from "./doctor-check.js";
import type { ConfigLoad } from "./doctor-deps.js";

export function configCheck<T>(load: ConfigLoad<T>): DoctorCheck {
  if ("config" in load) return pass("config", `${load.path} is valid`);
  const issues = load.error.issues;
  const where = load.path ?? issues[0]?.file ?? "the configuration file";
  const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
  return fail(
    "config",
    `${where}: ${count}`,
    // Each issue already carries its location and hint, the way `check-config` prints them.
    issues.map((issue) => formatConfigIssue(issue)).join("\n"),
  );
}
