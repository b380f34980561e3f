/**
 * A recursive-descent reading of tart's `Reference.g4`:
 *   root: host (':' port)? '/' namespace reference? EOF;   host: host_component ('.' host_component)*;
 *   host_component: name ('-' name)*;   namespace: namespace_component ('/' namespace_component)*;
 *   namespace_component: (name separator?)+;   reference: (':' tag) | ('@' name ':' name);
 *   tag: name (separator name)*;   separator: '.' | '-' | '_';   name: (LETTER | DIGIT)+;
 * Every character is one token. Errors mimic ANTLR's DefaultErrorStrategy messages closely enough
 * for diagnostics ("mismatched input", "extraneous input", "missing", "token recognition error").
 */
export type GrammarResult =
  | {
      readonly kind: "ok";
      readonly host: string;
      readonly port: string | undefined;
      readonly namespace: string;
      readonly reference: string | undefined;
    }
  | { readonly kind: "error"; readonly message: string; readonly character: number };

interface Token {
  readonly text: string;
  readonly pos: number;
}

const NAME = ["DIGIT", "LETTER"] as const;
const TOKEN_ORDER = ["<EOF>", "':'", "'/'", "'.'", "'-'", "'@'", "'_'", "DIGIT", "LETTER"];

class GrammarError extends Error {
  readonly tokenIndex: number;
  constructor(message: string, tokenIndex: number) {
    super(message);
    this.tokenIndex = tokenIndex;
  }
}

export function parseReferenceGrammar(text: string): GrammarResult {
  const chars = [...text];
  const tokens: Token[] = [];
  let lexError: number | undefined;
  chars.forEach((ch, pos) => {
    if (/[A-Za-z0-9:/.\-_@]/.test(ch)) tokens.push({ text: ch, pos });
    else lexError ??= pos;
  });
  const lexFailure = (): GrammarResult => ({
    kind: "error",
    message: `token recognition error at: '${chars[lexError ?? 0] ?? ""}'`,
    character: (lexError ?? 0) + 1,
  });
  try {
    const result = new Parser(tokens).root();
    return lexError === undefined ? result : lexFailure();
  } catch (error) {
    if (!(error instanceof GrammarError)) throw error;
    // The lexer reports a bad character once the parser has pulled the tokens around it.
    const horizon = tokens[error.tokenIndex + 1]?.pos ?? chars.length;
    if (lexError !== undefined && lexError < horizon) return lexFailure();
    const character = (tokens[error.tokenIndex]?.pos ?? chars.length) + 1;
    return { kind: "error", message: error.message, character };
  }
}

class Parser {
  readonly #tokens: readonly Token[];
  #i = 0;

  constructor(tokens: readonly Token[]) {
    this.#tokens = tokens;
  }

  root(): GrammarResult {
    const host = this.#host();
    this.#decide([":", "/"]);
    let port: string | undefined;
    if (this.#la() === ":") {
      this.#i++;
      port = this.#run(["DIGIT"]);
    }
    this.#match("/", NAME);
    const start = this.#i;
    this.#namespaceComponent();
    while (this.#la() === "/") {
      this.#i++;
      this.#namespaceComponent();
    }
    const namespace = this.#slice(start);
    this.#decide(["<EOF>", ":", "@"]);
    let reference: string | undefined;
    const refStart = this.#i;
    if (this.#la() === ":") {
      this.#i++;
      this.#run(NAME);
      while (this.#isSeparator(this.#la())) {
        this.#i++;
        this.#run(NAME);
      }
      reference = this.#slice(refStart);
    } else if (this.#la() === "@") {
      this.#i++;
      this.#run(NAME);
      this.#match(":", NAME);
      this.#run(NAME);
      reference = this.#slice(refStart);
    }
    if (this.#la() !== undefined) this.#fail(["<EOF>"]);
    return { kind: "ok", host, port, namespace, reference };
  }

  /** host: host_component ('.' host_component)*; host_component: name ('-' name)* */
  #host(): string {
    const start = this.#i;
    this.#run(NAME);
    while (this.#la() === "-" || this.#la() === ".") {
      this.#i++;
      this.#run(NAME);
    }
    return this.#slice(start);
  }

  /** namespace_component: (name separator?)+ */
  #namespaceComponent(): void {
    do {
      this.#run(NAME);
      if (this.#isSeparator(this.#la())) this.#i++;
    } while (this.#fits("DIGIT", this.#la()) || this.#fits("LETTER", this.#la()));
  }

  /** One or more tokens of the given kinds (`name`, `port`). */
  #run(kinds: readonly string[]): string {
    const start = this.#i;
    this.#decide(kinds);
    while (kinds.some((k) => this.#fits(k, this.#la()))) this.#i++;
    return this.#slice(start);
  }

  /** A decision point (ANTLR's `sync`): the next token must be one of `expected`. */
  #decide(expected: readonly string[]): void {
    if (expected.some((e) => this.#fits(e, this.#la()))) return;
    this.#fail(expected);
  }

  /** `match(token)`: ANTLR first tries deleting one token, then inserting the missing one. */
  #match(token: string, following: readonly string[]): void {
    if (this.#la() === token) {
      this.#i++;
      return;
    }
    if (this.#la(2) !== token && following.some((f) => this.#fits(f, this.#la()))) {
      throw new GrammarError(`missing '${token}' at ${this.#display(this.#la())}`, this.#i);
    }
    this.#fail([token]);
  }

  #fail(expected: readonly string[]): never {
    const deletable = expected.some((e) => this.#fits(e, this.#la(2)));
    const kind = deletable ? "extraneous" : "mismatched";
    throw new GrammarError(
      `${kind} input ${this.#display(this.#la())} expecting ${format(expected)}`,
      this.#i,
    );
  }

  #fits(expected: string, token: string | undefined): boolean {
    if (expected === "<EOF>") return token === undefined;
    if (expected === "DIGIT") return /^[0-9]$/.test(token ?? "");
    if (expected === "LETTER") return /^[A-Za-z]$/.test(token ?? "");
    return token === expected;
  }

  #display(token: string | undefined): string {
    return token === undefined ? "'<EOF>'" : `'${token}'`;
  }

  #isSeparator(token: string | undefined): boolean {
    return token === "." || token === "-" || token === "_";
  }

  #la(k = 1): string | undefined {
    return this.#tokens[this.#i + k - 1]?.text;
  }

  #slice(start: number): string {
    return this.#tokens
      .slice(start, this.#i)
      .map((t) => t.text)
      .join("");
  }
}

function format(expected: readonly string[]): string {
  const names = expected.map((e) => (e === "<EOF>" || e === "DIGIT" || e === "LETTER" ? e : `'${e}'`));
  names.sort((a, b) => TOKEN_ORDER.indexOf(a) - TOKEN_ORDER.indexOf(b));
  return names.length === 1 ? (names[0] ?? "") : `{${names.join(", ")}}`;
}
