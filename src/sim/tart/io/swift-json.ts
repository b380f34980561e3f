/**
 * JSON as Swift's Foundation `JSONEncoder` writes it: `"key" : value` with two-space indents when
 * pretty-printed, `/` escaped as `\/`, and an empty array or object rendered as `[\n\n]` / `{\n\n}`.
 * Tools that parse tart's output with a real JSON parser accept all of it.
 */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export function swiftJson(value: JsonValue, pretty: boolean): string {
  return render(value, pretty, "");
}

function render(value: JsonValue, pretty: boolean, indent: string): string {
  if (value === null) return "null";
  if (typeof value === "string") return quote(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const inner = `${indent}  `;
  if (isArray(value)) {
    if (!pretty) return `[${value.map((v) => render(v, false, "")).join(",")}]`;
    if (value.length === 0) return `[\n\n${indent}]`;
    return `[\n${value.map((v) => inner + render(v, true, inner)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (!pretty) return `{${entries.map(([k, v]) => `${quote(k)}:${render(v, false, "")}`).join(",")}}`;
  if (entries.length === 0) return `{\n\n${indent}}`;
  const lines = entries.map(([k, v]) => `${inner}${quote(k)} : ${render(v, true, inner)}`);
  return `{\n${lines.join(",\n")}\n${indent}}`;
}

function isArray(value: JsonValue): value is readonly JsonValue[] {
  return Array.isArray(value);
}

function quote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "/") out += "\\/";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}
