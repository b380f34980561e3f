/**
 * A parser that behaves like swift-argument-parser 1.6 for tart's subcommands: options before or
 * after positionals, `--opt value` and `--opt=value`, combined short flags (`-it`), `--` ends
 * options, the last value of a single-valued option wins, and errors worded as the library words them.
 */
import type { ArgSpec, CommandSpec, FlagSpec, OptionSpec, PositionalSpec } from "./command-spec.js";
import { ArgumentParseError } from "./errors.js";
import { ParsedArgs } from "./parsed-args.js";
import { convertValue } from "./convert-value.js";
import { unknownOptionMessage } from "./unknown-option.js";

export type ParseOutcome = { readonly kind: "args"; readonly args: ParsedArgs } | { readonly kind: "help" };

interface ParseState {
  readonly options: Map<string, string[]>;
  readonly flags: Map<string, boolean>;
  readonly positionals: string[];
  passthrough: string[] | undefined;
}

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParseOutcome {
  const state: ParseState = { options: new Map(), flags: new Map(), positionals: [], passthrough: undefined };
  const positionalSpecs = spec.args.filter((a): a is PositionalSpec => a.type === "positional");
  const passthroughIndex = positionalSpecs.findIndex((p) => p.passthrough === true);
  let afterTerminator = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? "";
    if (state.passthrough !== undefined) {
      state.passthrough.push(token);
      continue;
    }
    if (afterTerminator || !isOptionLike(token)) {
      state.positionals.push(token);
      // Everything after the arguments before a passthrough one is captured verbatim (tart exec).
      if (passthroughIndex >= 0 && state.positionals.length === passthroughIndex) state.passthrough = [];
      continue;
    }
    if (token === "--") {
      afterTerminator = true;
      continue;
    }
    if (token === "-h" || token === "--help") return { kind: "help" };
    i = token.startsWith("--") ? parseLong(spec, argv, i, state) : parseShort(spec, argv, i, state);
  }
  return { kind: "args", args: assignPositionals(positionalSpecs, state) };
}

function isOptionLike(token: string): boolean {
  return token.startsWith("-") && token.length > 1;
}

/** Parses `--name[=value]` at `argv[i]`; returns the index of the last token consumed. */
function parseLong(spec: CommandSpec, argv: readonly string[], i: number, state: ParseState): number {
  const token = argv[i] ?? "";
  const eq = token.indexOf("=");
  const name = eq < 0 ? token.slice(2) : token.slice(2, eq);
  const inline = eq < 0 ? undefined : token.slice(eq + 1);
  const match = findLong(spec.args, name);
  if (match === undefined) throw new ArgumentParseError(unknownOptionMessage(spec.args, `--${name}`));
  if (match.spec.type === "flag") {
    if (inline !== undefined) {
      throw new ArgumentParseError(
        `The option '--${name}' does not take any value, but '${inline}' was specified.`,
      );
    }
    state.flags.set(match.spec.long, !match.negated);
    return i;
  }
  if (inline !== undefined) {
    addOption(state, match.spec, `--${name}`, inline);
    return i;
  }
  const next = argv[i + 1];
  if (next === undefined || isOptionLike(next)) throw missingValue(match.spec, `--${name}`);
  addOption(state, match.spec, `--${name}`, next);
  return i + 1;
}

/** Parses `-x`, `-xy` (combined flags) or `-t value` at `argv[i]`. */
function parseShort(spec: CommandSpec, argv: readonly string[], i: number, state: ParseState): number {
  const token = argv[i] ?? "";
  const letters = [...token.slice(1)];
  let consumed = i;
  letters.forEach((letter, index) => {
    const found = spec.args.find(
      (a): a is OptionSpec | FlagSpec => a.type !== "positional" && a.short === letter && a.hidden !== true,
    );
    if (found === undefined) throw new ArgumentParseError(`Unknown option '-${letter}'`);
    if (found.type === "flag") {
      state.flags.set(found.long, true);
      return;
    }
    const next = argv[i + 1];
    if (index !== letters.length - 1 || next === undefined || isOptionLike(next)) {
      throw missingValue(found, `-${letter}`);
    }
    addOption(state, found, `-${letter}`, next);
    consumed = i + 1;
  });
  return consumed;
}

function findLong(
  args: readonly ArgSpec[],
  name: string,
): { spec: OptionSpec | FlagSpec; negated: boolean } | undefined {
  for (const arg of args) {
    if (arg.type === "positional" || (arg.type === "flag" && arg.shortOnly === true)) continue;
    if (arg.long === name) return { spec: arg, negated: false };
    if (arg.type === "flag" && arg.inversion === true && `no-${arg.long}` === name) {
      return { spec: arg, negated: true };
    }
  }
  return undefined;
}

function addOption(state: ParseState, spec: OptionSpec, shownName: string, raw: string): void {
  const value = convertValue(spec, shownName, raw);
  const list = state.options.get(spec.long) ?? [];
  list.push(value);
  state.options.set(spec.long, list);
}

function missingValue(spec: OptionSpec, shownName: string): ArgumentParseError {
  return new ArgumentParseError(
    `Missing value for '${shownName} <${spec.valueName}>'`,
    `${shownName} <${spec.valueName}>  ${spec.help}`,
  );
}

function assignPositionals(specs: readonly PositionalSpec[], state: ParseState): ParsedArgs {
  const assigned = new Map<string, string[]>();
  const rest = [...state.positionals];
  for (const spec of specs) {
    if (spec.passthrough === true) {
      assigned.set(spec.name, state.passthrough ?? rest.splice(0));
      continue;
    }
    if (spec.repeating === true) assigned.set(spec.name, rest.splice(0));
    else if (rest.length > 0) assigned.set(spec.name, rest.splice(0, 1));
  }
  if (rest.length === 1) throw new ArgumentParseError(`Unexpected argument '${rest[0] ?? ""}'`);
  if (rest.length > 1) {
    throw new ArgumentParseError(`${rest.length} unexpected arguments: '${rest.join("', '")}'`);
  }
  for (const spec of specs) {
    if (spec.optional === true || (assigned.get(spec.name)?.length ?? 0) > 0) continue;
    const synopsis =
      spec.repeating === true || spec.passthrough === true ? `<${spec.name}> ...` : `<${spec.name}>`;
    throw new ArgumentParseError(`Missing expected argument '${synopsis}'`, `<${spec.name}>  ${spec.help}`);
  }
  return new ParsedArgs(assigned, state.options, state.flags);
}
