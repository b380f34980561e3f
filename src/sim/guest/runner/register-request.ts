/** Builds config.sh's registration request from its arguments, with the real runner's defaults and checks. */
import type { RegisterRequest } from "../../runner-protocol.js";
import type { RunnerArgs } from "./parse-runner-args.js";

export const CONFIG_ARGS = {
  values: ["url", "token", "name", "labels", "runnergroup", "work"],
  flags: ["ephemeral", "unattended", "replace", "disableupdate", "no-default-labels"],
} as const;

/** The labels the runner adds unless `--no-default-labels`: self-hosted plus the OS and arch of a Mac VM. */
const DEFAULT_LABELS = ["self-hosted", "macOS", "ARM64"];

export type RegisterRequestResult =
  | { readonly ok: true; readonly request: RegisterRequest; readonly token: string }
  | { readonly ok: false; readonly error: string };

export function buildRegisterRequest(args: RunnerArgs, env: NodeJS.ProcessEnv): RegisterRequestResult {
  const url = args.value("url") ?? "";
  const token = args.value("token") ?? "";
  for (const [name, value] of [
    ["url", url],
    ["token", token],
  ] as const) {
    if (value === "") {
      return {
        ok: false,
        error: `Invalid configuration provided for ${name}. Terminating unattended configuration.`,
      };
    }
  }
  const labels = requestedLabels(args);
  if (labels.length === 0)
    return { ok: false, error: "--labels is required when --no-default-labels is set." };
  return {
    ok: true,
    token,
    request: {
      url,
      runner_event: "register",
      name: args.value("name") || defaultRunnerName(env),
      labels,
      // The original passes `--runnergroup ""` when no group is configured: the default group.
      runnerGroup: args.value("runnergroup") || null,
      ephemeral: args.flag("ephemeral"),
      replace: args.flag("replace"),
      disableUpdate: args.flag("disableupdate"),
      noDefaultLabels: args.flag("no-default-labels"),
      workFolder: args.value("work") || "_work",
    },
  };
}

/** Default labels first, then `--labels`, without case-insensitive duplicates. */
function requestedLabels(args: RunnerArgs): string[] {
  const custom = (args.value("labels") ?? "")
    .split(",")
    .map((label) => label.trim())
    .filter((label) => label !== "");
  const all = [...(args.flag("no-default-labels") ? [] : DEFAULT_LABELS), ...custom];
  return all.filter(
    (label, i) => all.findIndex((other) => other.toLowerCase() === label.toLowerCase()) === i,
  );
}

/**
 * The real default is the machine's host name. Every clone of a macOS image has the same one
 * ("Admins-Virtual-Machine"), so a daemon that forgets `--name` gets name clashes, as for real.
 */
function defaultRunnerName(env: NodeJS.ProcessEnv): string {
  const user = env["USER"] ?? "admin";
  return `${user.charAt(0).toUpperCase()}${user.slice(1)}s-Virtual-Machine`;
}
