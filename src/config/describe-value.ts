/** How a value the user wrote is shown back to them. */
export function describeValue(value: unknown): string {
  if (typeof value === "string")
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return "a list";
  if (value === null) return "an empty value";
  if (value === undefined) return "nothing";
  if (typeof value === "object") return "a mapping";
  return String(value);
}
