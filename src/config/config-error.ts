/** One problem in a configuration file, located as precisely as the YAML allows. */
export interface ConfigIssue {
  /** The file as the user named it (or as it was found). */
  readonly file: string;
  /** Dotted YAML path such as `tart.numberOfVirtualMachines` or `hosts[1].url`; empty for file-level problems. */
  readonly path: string;
  /** 1-based, when the problem maps to a place in the file. */
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
  readonly hint?: string;
}

/** Exit status for configuration errors: EX_CONFIG from sysexits(3), which launchd and brew services understand. */
export const CONFIG_EXIT_CODE = 78;

/** Formats one issue as `file:line:col path: message — hint: …`, the way compilers print diagnostics. */
export function formatConfigIssue(issue: ConfigIssue): string {
  const location = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  const subject = issue.path === "" ? `${location}:` : `${location} ${issue.path}:`;
  const hint = issue.hint === undefined ? "" : ` — hint: ${issue.hint}`;
  return `${subject} ${issue.message}${hint}`;
}

/**
 * A configuration file that cannot be used. It carries every problem found, so a user fixes them
 * all in one round instead of one per restart.
 */
export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID" as const;
  readonly exitCode = CONFIG_EXIT_CODE;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    const sorted = [...issues].sort(
      (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
    );
    super(sorted.map(formatConfigIssue).join("\n"), options);
    this.name = "ConfigError";
    this.issues = sorted;
  }

  /** One line per issue, ordered by position in the file. */
  format(): string {
    return this.issues.map(formatConfigIssue).join("\n");
  }
}
