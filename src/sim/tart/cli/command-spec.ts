/**
 * Declarative description of a tart subcommand's arguments, in the order tart declares them
 * (swift-argument-parser derives usage lines and error messages from that order).
 */
import type { ParsedArgs } from "./parsed-args.js";
import type { TartContext } from "../context.js";

/** How an option's value converts; failures become `The value 'x' is invalid for …`. */
export type ValueType =
  | { readonly kind: "string" }
  | { readonly kind: "uint"; readonly max: number }
  | { readonly kind: "enum"; readonly values: readonly string[] };

export const STRING: ValueType = { kind: "string" };
export const UINT16: ValueType = { kind: "uint", max: 65_535 };
export const UINT: ValueType = { kind: "uint", max: Number.MAX_SAFE_INTEGER };

export interface PositionalSpec {
  readonly type: "positional";
  /** Kebab-case value name as shown in usage, e.g. `source-name`. */
  readonly name: string;
  readonly help: string;
  readonly optional?: boolean;
  /** `<name> ...`: takes every remaining positional. */
  readonly repeating?: boolean;
  /** `captureForPassthrough`: takes everything after it verbatim, flags included (`tart exec`). */
  readonly passthrough?: boolean;
}

export interface OptionSpec {
  readonly type: "option";
  readonly long: string;
  readonly short?: string;
  readonly valueName: string;
  readonly help: string;
  readonly value: ValueType;
  readonly repeating?: boolean;
  readonly hidden?: boolean;
  /** Shown as `(default: …)` in help. */
  readonly defaultText?: string;
}

export interface FlagSpec {
  readonly type: "flag";
  readonly long: string;
  readonly short?: string;
  readonly help: string;
  readonly hidden?: boolean;
  /** `--x` / `--no-x` pair (`inversion: .prefixedNo`). */
  readonly inversion?: boolean;
  /** Only `-<short>` exists (exec's `-i`, `-t`); `long` is then just the key in ParsedArgs. */
  readonly shortOnly?: boolean;
}

export type ArgSpec = PositionalSpec | OptionSpec | FlagSpec;

export interface CommandSpec {
  readonly name: string;
  readonly abstract: string;
  readonly args: readonly ArgSpec[];
  /** Hidden from `tart --help` (like `fqn`). */
  readonly hidden?: boolean;
}

export interface TartCommand {
  readonly spec: CommandSpec;
  /** Checks that swift-argument-parser runs in `validate()`; a ValidationError here shows this command's usage. */
  readonly validate?: (args: ParsedArgs, ctx: TartContext) => void;
  readonly run: (args: ParsedArgs, ctx: TartContext) => Promise<void>;
}
