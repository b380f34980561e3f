/** Converts an option's text the way swift-argument-parser's ExpressibleByArgument types do. */
import type { OptionSpec } from "./command-spec.js";
import { ArgumentParseError } from "./errors.js";

export function convertValue(spec: OptionSpec, shownName: string, raw: string): string {
  const type = spec.value;
  switch (type.kind) {
    case "string":
      return raw;
    case "uint":
      // Swift's UInt initialisers accept plain decimal digits (an optional leading "+") only.
      if (/^\+?\d+$/.test(raw) && Number(raw) <= type.max) return String(Number(raw));
      throw invalid(spec, shownName, raw, "");
    case "enum":
      if (type.values.includes(raw)) return raw;
      throw invalid(spec, shownName, raw, valueList(type.values));
  }
}

function invalid(spec: OptionSpec, shownName: string, raw: string, suffix: string): ArgumentParseError {
  return new ArgumentParseError(
    `The value '${raw}' is invalid for '${shownName} <${spec.valueName}>'${suffix}`,
    `${shownName} <${spec.valueName}>  ${spec.help}`,
  );
}

/** `. Please provide one of 'a' and 'b'.` / `'a', 'b' or 'c'` (swift-argument-parser's wording). */
function valueList(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  const list =
    quoted.length <= 2 ? quoted.join(" and ") : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1) ?? ""}`;
  return `. Please provide one of ${list}.`;
}
