/**
 * Colour for `status` and `doctor`: ANSI codes only when the caller asks for them, so piped or
 * logged output stays plain. `colorWanted` is the usual rule (a terminal, and NO_COLOR unset).
 */
export type Tone = "green" | "yellow" | "red" | "dim" | "bold";

const CODES: Readonly<Record<Tone, readonly [open: number, close: number]>> = {
  green: [32, 39],
  yellow: [33, 39],
  red: [31, 39],
  dim: [2, 22],
  bold: [1, 22],
};

export type Paint = (text: string, tone: Tone | null) => string;

export function painter(color: boolean): Paint {
  return (text, tone) => {
    if (!color || tone === null || text === "") return text;
    const [open, close] = CODES[tone];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  };
}

/** https://no-color.org: any non-empty NO_COLOR turns colour off; FORCE_COLOR turns it on. */
export function colorWanted(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if ((env["NO_COLOR"] ?? "") !== "") return false;
  if ((env["FORCE_COLOR"] ?? "") !== "" && env["FORCE_COLOR"] !== "0") return true;
  return isTTY && env["TERM"] !== "dumb";
}

/** VM phases: running ones green, on-their-way ones yellow, failures red. */
export function phaseTone(phase: string): Tone | null {
  if (phase === "idle" || phase === "busy") return "green";
  if (/fail|error|given/i.test(phase)) return "red";
  if (["cloning", "pulling", "booting", "provisioning", "tearing-down"].includes(phase)) return "yellow";
  return null;
}

/** GitHub job states as the executor reports them. */
export function jobTone(status: string, givenUp: boolean): Tone | null {
  if (givenUp) return "red";
  if (status === "in_progress") return "green";
  if (status === "queued" || status === "waiting") return "yellow";
  return status === "completed" ? "dim" : null;
}
