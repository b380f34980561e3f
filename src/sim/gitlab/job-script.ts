/**
 * The bash scripts the stand-in hands to run_exec, shaped like gitlab-runner's bash shell output
 * (shells/bash.go): strict mode, every job variable exported, commands echoed before they run.
 * Only the stages a job without cache and artifacts gets are generated.
 */
export type ScriptStage =
  "prepare_script" | "get_sources" | "step_script" | "after_script" | "cleanup_file_variables";

export interface ScriptJob {
  readonly variables: Readonly<Record<string, string>>;
  readonly script: readonly string[];
  readonly beforeScript?: readonly string[];
  readonly afterScript?: readonly string[];
}

/** bash ANSI-C quoting: any byte survives. */
function ansiQuote(value: string): string {
  return `$'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n").replace(/\r/g, "\\r")}'`;
}

function commands(lines: readonly string[]): string {
  return lines.map((line) => `echo ${ansiQuote(`$ ${line}`)}\n${line}`).join("\n");
}

export function stageScript(stage: ScriptStage, job: ScriptJob): string {
  const header = [
    "#!/usr/bin/env bash",
    "set -eo pipefail",
    "set +o noclobber",
    ...Object.entries(job.variables).map(([name, value]) => `export ${name}=${ansiQuote(value)}`),
  ].join("\n");
  const body: Record<ScriptStage, string> = {
    prepare_script: `echo "Running on $(hostname)..."`,
    get_sources: [
      `echo "Fetching changes..."`,
      `mkdir -p "$CI_PROJECT_DIR"`,
      `cd "$CI_PROJECT_DIR"`,
      `printf '%s\\n' "\${CI_COMMIT_SHA:-0000000}" > .sim-checkout`,
    ].join("\n"),
    step_script: `cd "$CI_PROJECT_DIR"\n${commands([...(job.beforeScript ?? []), ...job.script])}`,
    after_script: `cd "$CI_PROJECT_DIR"\n${commands(job.afterScript ?? [])}`,
    cleanup_file_variables: `true`,
  };
  return `${header}\n${body[stage]}\n`;
}
