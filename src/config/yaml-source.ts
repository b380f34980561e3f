import { isMap, isPair, isScalar, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";
import { ConfigError, type ConfigIssue } from "./config-error.js";
import { formatConfigPath, type ConfigProblem, type PathSegment } from "./config-problem.js";

/** A parsed YAML file that still knows where each value came from. */
export interface YamlSource {
  readonly file: string;
  readonly document: Document.Parsed;
  readonly lineCounter: LineCounter;
}

/** Plain-language names for the YAML errors users actually hit. */
const SYNTAX_HINTS: Partial<Record<string, string>> = {
  DUPLICATE_KEY: "each key may appear only once in a mapping; remove or merge the duplicate",
  TAB_AS_INDENT: "indent with spaces, not tabs",
  BAD_INDENT: "check the indentation of this line against its parent",
  BLOCK_AS_IMPLICIT_KEY: "check the indentation; a value may be indented under the wrong key",
};

/** Parses YAML text; syntax errors become a ConfigError pointing at each offending line. */
export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  // merge: Yams, which the original used, honoured `<<: *anchor` merge keys, so configs may use them.
  const document = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    // One mistake often yields several errors at the same spot; the first explains it best.
    const errors = document.errors.filter((e, i, all) => all.findIndex((o) => o.pos[0] === e.pos[0]) === i);
    const issues = errors.map((error): ConfigIssue => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      const hint = SYNTAX_HINTS[error.code];
      const base = { file, path: "", line, column: col, message: `YAML syntax error: ${error.message}` };
      return hint === undefined ? base : { ...base, hint };
    });
    throw new ConfigError(issues);
  }
  return { file, document, lineCounter };
}

/**
 * The document as plain data. Failures that only show when aliases are followed (an alias to an
 * anchor that does not exist, merging a non-mapping) become a ConfigError too.
 */
export function yamlToData(source: YamlSource): unknown {
  try {
    return source.document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    let offset: number | undefined;
    visit(source.document, {
      Alias(_, node) {
        if (node.resolve(source.document) !== undefined) return undefined;
        offset = node.range?.[0];
        return visit.BREAK;
      },
    });
    const message = `YAML error: ${error instanceof Error ? error.message : String(error)}`;
    const base = { file: source.file, path: "", message };
    if (offset === undefined) throw new ConfigError([base], { cause: error });
    const { line, col } = source.lineCounter.linePos(offset);
    throw new ConfigError([{ ...base, line, column: col }], { cause: error });
  }
}

/** The YAML node and key node at a path, as far as the path can be followed in the file. */
function walk(source: YamlSource, path: readonly PathSegment[]) {
  let node: unknown = source.document.contents;
  let key: Node | undefined;
  let depth = 0;
  for (const segment of path) {
    const collection = node as { items?: unknown[] } | null;
    if (collection === null || !Array.isArray(collection.items)) break;
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === segment,
      );
      if (pair === undefined) break;
      key = pair.key as Node;
      next = pair.value;
    } else if (typeof segment === "number") {
      next = collection.items[segment];
      key = undefined;
    }
    if (next === undefined) break;
    node = next;
    depth++;
  }
  return { node: node as Node | null, key, depth, complete: depth === path.length };
}

/** Where in the file a problem belongs: the key, the value, or the closest parent that exists. */
export function locateProblem(source: YamlSource, problem: ConfigProblem): ConfigIssue {
  const found = walk(source, problem.path);
  // A missing key is shown at its parent: the parent's key, or the list entry that lacks it.
  const parent = found.key ?? (found.depth > 0 ? found.node : undefined);
  const target = problem.at === "key" ? found.key : found.complete ? (found.node ?? found.key) : parent;
  const offset = target?.range?.[0];
  const base = { file: source.file, path: formatConfigPath(problem.path), message: problem.message };
  const withHint = problem.hint === undefined ? base : { ...base, hint: problem.hint };
  if (offset === undefined) return withHint;
  const { line, col } = source.lineCounter.linePos(offset);
  return { ...withHint, line, column: col };
}

/** The source text of the scalar at `path`, exactly as written (`0123`, `1e3`, `yes`). */
export function scalarSourceAt(source: YamlSource, path: readonly PathSegment[]): string | undefined {
  const found = walk(source, path);
  return found.complete && isScalar(found.node) && typeof found.node.source === "string"
    ? found.node.source
    : undefined;
}
