/** `--format text|json`, shared by list and get. */
import type { OptionSpec } from "../cli/command-spec.js";

export const FORMAT_OPTION: OptionSpec = {
  type: "option",
  long: "format",
  valueName: "format",
  help: "Output format: text or json",
  value: { kind: "enum", values: ["text", "json"] },
  defaultText: "text",
};
