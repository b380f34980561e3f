/**
 * Secret values known at run time (webhook secret, API token, installation tokens, JIT configs).
 * The logger replaces every occurrence in its output, so a secret that slips into an error
 * message or a command line is still never written. Redact paths catch secrets by key; this
 * catches them by value.
 */

export const REDACTED = "[REDACTED]";

/** Shorter values would redact ordinary words; they are not worth protecting this way. */
export const MIN_SECRET_LENGTH = 6;

export interface SecretRegistry {
  /** Starts redacting `value` (ignored when shorter than MIN_SECRET_LENGTH). */
  add(value: string): void;
  /** Stops redacting `value`, e.g. a VM's JIT config once the VM is gone. */
  remove(value: string): void;
  /** `text` with every registered secret replaced by `[REDACTED]`. */
  redact(text: string): string;
}

export function createSecretRegistry(): SecretRegistry {
  // Value → how many add() calls hold it, so removing one holder keeps shared forms redacted.
  const holders = new Map<string, number>();
  let pattern: RegExp | null = null;
  let stale = false;

  const change = (value: string, delta: 1 | -1): void => {
    for (const form of formsOf(value)) {
      const count = (holders.get(form) ?? 0) + delta;
      if (count > 0) holders.set(form, count);
      else holders.delete(form);
    }
    stale = true;
  };

  return {
    add: (value) => change(value, 1),
    remove: (value) => {
      if (formsOf(value).every((form) => holders.has(form))) change(value, -1);
    },
    redact(text) {
      if (stale) {
        pattern = compile([...holders.keys()]);
        stale = false;
      }
      return pattern === null ? text : text.replace(pattern, REDACTED);
    },
  };
}

/**
 * The ways a secret can appear in a log line: as is, JSON-escaped (a PEM key's newlines become
 * `\n` in a JSON line) and, for multi-line values, line by line.
 */
function formsOf(value: string): string[] {
  if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH) return [];
  const forms = new Set([value, JSON.stringify(value).slice(1, -1)]);
  for (const line of value.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed.length >= MIN_SECRET_LENGTH) forms.add(trimmed);
  }
  return [...forms];
}

function compile(values: string[]): RegExp | null {
  if (values.length === 0) return null;
  // Longest first, so a secret that contains another is replaced whole.
  const sorted = [...values].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map((value) => value.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&")).join("|"), "g");
}
