import { z } from "zod";
import { rule } from "./rule.js";

/**
 * Runner labels as the original wrote them, `labels: tartelet, fast`, or as a YAML list. Split,
 * trimmed, empties dropped (Swift's split did the same), duplicates dropped ignoring case because
 * GitHub compares labels case-insensitively.
 */
export function parseLabels(value: string | readonly string[]): string[] {
  const parts = typeof value === "string" ? value.split(",") : value;
  const labels: string[] = [];
  for (const part of parts) {
    const label = part.trim();
    if (label !== "" && !labels.some((l) => l.toLowerCase() === label.toLowerCase())) labels.push(label);
  }
  return labels;
}

const listEntry = z
  .string()
  .superRefine(
    rule(
      (s: string) => !s.includes(","),
      "must not contain a comma (GitHub runner labels cannot)",
      "write each label as its own list entry",
    ),
  );

/** A comma-separated string or a list of labels, normalized to a non-empty list. */
export function labelsSchema() {
  return z
    .union([z.string(), z.array(listEntry)])
    .superRefine(
      rule(
        (v: string | string[]) => parseLabels(v).length > 0,
        "must name at least one label",
        "e.g. labels: tartelet — jobs whose runs-on includes all of these labels are handled",
      ),
    )
    .transform(parseLabels);
}
