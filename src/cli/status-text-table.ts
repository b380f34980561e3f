/**
 * Left-aligned text columns separated by two spaces, measured on the visible text so colour
 * codes do not push columns apart. No trailing spaces, so exact-text tests stay readable.
 */
import type { Paint, Tone } from "./status-style.js";

export interface Cell {
  readonly text: string;
  readonly tone?: Tone | null;
}

export type Row = ReadonlyArray<string | Cell>;

export function textTable(header: readonly string[], rows: readonly Row[], paint: Paint): string[] {
  const cells = rows.map((row) => row.map((cell) => (typeof cell === "string" ? { text: cell } : cell)));
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((row) => row[column]?.text.length ?? 0)),
  );
  const line = (row: readonly Cell[], tone: Tone | null): string =>
    row
      .map((cell, column) => {
        const padding = column === row.length - 1 ? "" : " ".repeat((widths[column] ?? 0) - cell.text.length);
        return paint(cell.text, cell.tone ?? tone) + padding;
      })
      .join("  ")
      .trimEnd();
  return [
    line(
      header.map((text) => ({ text })),
      "bold",
    ),
    ...cells.map((row) => line(row, null)),
  ];
}
