/** The result of parsing one subcommand's arguments, with typed accessors. */
export class ParsedArgs {
  readonly #positionals: Map<string, string[]>;
  readonly #options: Map<string, string[]>;
  readonly #flags: Map<string, boolean>;

  constructor(
    positionals: Map<string, string[]>,
    options: Map<string, string[]>,
    flags: Map<string, boolean>,
  ) {
    this.#positionals = positionals;
    this.#options = options;
    this.#flags = flags;
  }

  /** A required positional (the parser guarantees presence). */
  positional(name: string): string {
    return this.#positionals.get(name)?.[0] ?? "";
  }

  positionals(name: string): string[] {
    return [...(this.#positionals.get(name) ?? [])];
  }

  /** The last value given for an option (swift-argument-parser: last one wins). */
  option(long: string): string | undefined {
    return this.#options.get(long)?.at(-1);
  }

  optionAll(long: string): string[] {
    return [...(this.#options.get(long) ?? [])];
  }

  /** A numeric option, already range-checked by the parser. */
  number(long: string): number | undefined {
    const value = this.option(long);
    return value === undefined ? undefined : Number(value);
  }

  flag(long: string): boolean {
    return this.#flags.get(long) === true;
  }

  /** An inverted flag pair: true for `--x`, false for `--no-x`, undefined when neither was given. */
  tristate(long: string): boolean | undefined {
    return this.#flags.get(long);
  }
}
