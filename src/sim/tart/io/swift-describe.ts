/**
 * How Swift prints an enum error case with associated values (`String(describing:)`), e.g.
 * `AuthFailed(why: "…", details: "{\"errors\":…}")`: strings are quoted with their debug escapes.
 */
export function swiftCase(name: string, fields: readonly (readonly [string, string | number])[]): string {
  const rendered = fields.map(
    ([label, value]) => `${label}: ${typeof value === "number" ? value : debugString(value)}`,
  );
  return `${name}(${rendered.join(", ")})`;
}

/** Swift's `String.debugDescription`: double quotes with `\"`, `\\`, `\n`, `\r`, `\t` escaped. */
export function debugString(text: string): string {
  const escaped = text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t");
  return `"${escaped}"`;
}

/** Swift's array description: `["a", "b"]`. */
export function swiftArray(items: readonly string[]): string {
  return `[${items.map(debugString).join(", ")}]`;
}
