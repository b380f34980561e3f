/**
 * The App permissions runner management needs (github-api.md §2.4): Self-hosted runners (org) or
 * Administration (repo) read & write to register and remove runners, and Actions read to see jobs.
 */
import type { RunnerScope } from "../github/runner-scope.js";

export type PermissionLevel = "read" | "write";

export interface MissingPermission {
  readonly name: string;
  readonly needs: PermissionLevel;
  /** What the installation has now; null when not granted at all. */
  readonly has: string | null;
}

export function requiredPermissions(scope: RunnerScope): Readonly<Record<string, PermissionLevel>> {
  return scope.kind === "organization"
    ? { organization_self_hosted_runners: "write", actions: "read" }
    : { administration: "write", actions: "read" };
}

const RANK: Readonly<Record<string, number>> = { read: 1, write: 2, admin: 3 };

export function missingPermissions(
  granted: Readonly<Record<string, unknown>>,
  required: Readonly<Record<string, PermissionLevel>>,
): MissingPermission[] {
  return Object.entries(required).flatMap(([name, needs]) => {
    const has = typeof granted[name] === "string" ? (granted[name] as string) : null;
    return (RANK[has ?? ""] ?? 0) >= (RANK[needs] ?? 0) ? [] : [{ name, needs, has }];
  });
}

/** How the settings page names them, so the hint matches what the operator clicks. */
export const PERMISSION_LABELS: Readonly<Record<string, string>> = {
  organization_self_hosted_runners: "Organization permissions › Self-hosted runners: Read and write",
  administration: "Repository permissions › Administration: Read and write",
  actions: "Repository permissions › Actions: Read-only",
};
