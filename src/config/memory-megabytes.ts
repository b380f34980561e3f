import { z } from "zod";
import { rule } from "./rule.js";

/**
 * Memory in megabytes, as the original used. Values below 512 are almost always gigabytes
 * written by mistake (no macOS VM boots in less), so the hint offers the conversion.
 */
export function memoryMegabytes() {
  return z.int().superRefine(
    rule(
      (n: number) => n >= 512,
      "must be at least 512 (the value is in megabytes)",
      (n: number) => (n > 0 && n <= 256 ? `write ${n * 1024} for ${n} GB` : "e.g. 8192 for 8 GB"),
    ),
  );
}
