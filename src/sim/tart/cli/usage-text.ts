/**
 * Usage lines and help screens generated from command specs the way swift-argument-parser 1.6
 * renders them (`UsageGenerator.synopsis`, `HelpGenerator`).
 */
import type { ArgSpec, CommandSpec } from "./command-spec.js";

const TOOL = "tart";
/** swift-argument-parser drops optional arguments from the synopsis beyond this many. */
const MAX_SYNOPSIS_ARGS = 12;
const LABEL_COLUMN = 26;

/** `Usage: tart clone <source-name> …\n  See 'tart clone --help' for more information.` */
export function usageBlock(spec: CommandSpec | undefined): string {
  const name = spec === undefined ? TOOL : `${TOOL} ${spec.name}`;
  return `Usage: ${synopsis(spec)}\n  See '${name} --help' for more information.`;
}

export function synopsis(spec: CommandSpec | undefined): string {
  if (spec === undefined) return `${TOOL} <subcommand>`;
  const tool = `${TOOL} ${spec.name}`;
  const parts = expand(spec.args.filter((a) => !isHidden(a)));
  if (parts.length === 0) return tool;
  if (parts.length > MAX_SYNOPSIS_ARGS) {
    const required = parts.filter((p) => !p.optional).map((p) => p.text);
    return required.length > 0 ? `${tool} [<options>] ${required.join(" ")}` : `${tool} <options>`;
  }
  return `${tool} ${parts.map((p) => p.text).join(" ")}`;
}

interface SynopsisPart {
  readonly text: string;
  readonly optional: boolean;
}

function expand(args: readonly ArgSpec[]): SynopsisPart[] {
  const parts: SynopsisPart[] = [];
  for (const arg of args) {
    switch (arg.type) {
      case "positional": {
        const base =
          arg.repeating === true || arg.passthrough === true ? `<${arg.name}> ...` : `<${arg.name}>`;
        parts.push({ text: arg.optional === true ? `[${base}]` : base, optional: arg.optional === true });
        break;
      }
      case "option": {
        const repeat = arg.repeating === true ? " ..." : "";
        parts.push({ text: `[--${arg.long} <${arg.valueName}>${repeat}]`, optional: true });
        break;
      }
      case "flag":
        parts.push({
          text: `[${arg.shortOnly === true ? `-${arg.short ?? ""}` : `--${arg.long}`}]`,
          optional: true,
        });
        if (arg.inversion === true) parts.push({ text: `[--no-${arg.long}]`, optional: true });
        break;
    }
  }
  return parts;
}

function isHidden(arg: ArgSpec): boolean {
  return arg.type !== "positional" && arg.hidden === true;
}

/** The `--help` screen of a subcommand. */
export function commandHelp(spec: CommandSpec): string {
  const positionals = spec.args.filter((a) => a.type === "positional");
  const options = spec.args.filter((a) => a.type !== "positional" && !isHidden(a));
  const sections = [`OVERVIEW: ${spec.abstract}`, `USAGE: ${synopsis(spec)}`];
  if (positionals.length > 0) sections.push(section("ARGUMENTS", positionals.map(row)));
  sections.push(section("OPTIONS", [...options.map(row), label("-h, --help", "Show help information.")]));
  return sections.join("\n\n");
}

/** The `tart --help` screen. */
export function rootHelp(commands: readonly CommandSpec[]): string {
  const visible = commands.filter((c) => c.hidden !== true);
  return [
    `USAGE: ${synopsis(undefined)}`,
    section("OPTIONS", [
      label("--version", "Show the version."),
      label("-h, --help", "Show help information."),
    ]),
    `${section(
      "SUBCOMMANDS",
      visible.map((c) => label(c.name, c.abstract)),
    )}\n\n  See 'tart help <subcommand>' for detailed help.`,
  ].join("\n\n");
}

function section(title: string, rows: readonly string[]): string {
  return `${title}:\n${rows.join("\n")}`;
}

function row(arg: ArgSpec): string {
  switch (arg.type) {
    case "positional":
      return label(`<${arg.name}>`, arg.help);
    case "option": {
      const names = arg.short === undefined ? `--${arg.long}` : `-${arg.short}, --${arg.long}`;
      const suffix = arg.defaultText === undefined ? "" : ` (default: ${arg.defaultText})`;
      return label(`${names} <${arg.valueName}>`, `${arg.help}${suffix}`);
    }
    case "flag": {
      const long = arg.shortOnly === true ? "" : `--${arg.inversion === true ? "[no-]" : ""}${arg.long}`;
      const names = [arg.short === undefined ? "" : `-${arg.short}`, long].filter((n) => n !== "").join(", ");
      return label(names, arg.help);
    }
  }
}

function label(text: string, abstract: string): string {
  const padded = `  ${text}`;
  if (abstract === "") return padded;
  return padded.length < LABEL_COLUMN
    ? `${padded.padEnd(LABEL_COLUMN)}${abstract}`
    : `${padded}\n${" ".repeat(LABEL_COLUMN)}${abstract}`;
}
