/**
 * The `Style.plain` table of the TextTable library tart uses for `list` and `get`: columns
 * left-aligned and padded to their widest cell, joined by one space; tart then trims the whole
 * text, so only the last line loses its padding.
 */
export function plainTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return "";
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const renderRow = (cells: readonly string[]): string =>
    widths.map((w, i) => (cells[i] ?? "").padEnd(w)).join(" ");
  const text = [headers, ...rows].map((r) => `${renderRow(r)}\n`).join("");
  return text.trim();
}
