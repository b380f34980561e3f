/** Parsing of `tart list --format json`, tolerant of version drift (tart-cli.md §2 list, §5.13). */
export interface TartVmInfo {
  readonly name: string;
  readonly source: "local" | "oci";
  readonly state: "running" | "suspended" | "stopped";
}

export function parseTartList(stdout: string): TartVmInfo[] {
  const text = stdout.trim();
  if (text === "") return [];
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error("tart list --format json did not print an array");
  const result: TartVmInfo[] = [];
  for (const entry of parsed as unknown[]) {
    if (typeof entry !== "object" || entry === null) continue;
    const record = entry as Record<string, unknown>;
    const name = record["Name"];
    if (typeof name !== "string") continue;
    const source = String(record["Source"] ?? "local").toLowerCase() === "oci" ? "oci" : "local";
    const stateField = record["State"];
    const state =
      stateField === "running" || stateField === "suspended" || stateField === "stopped"
        ? stateField
        : record["Running"] === true
          ? "running"
          : "stopped";
    result.push({ name, source, state });
  }
  return result;
}
