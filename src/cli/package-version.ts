/** The package's version, read from package.json next to dist/ (or src/ under tests). */
import { readFileSync } from "node:fs";

export const packageRoot = new URL("../../", import.meta.url);

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("package.json", packageRoot), "utf8")) as { version: string };
  return pkg.version;
}
