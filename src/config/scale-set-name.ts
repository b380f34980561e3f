/** A runner scale set name from a hostname: lower-case letters, digits and dashes (`Mac-Mini.local` → `mac-mini-local`). */
export function scaleSetNameFrom(hostname: string): string {
  const name = hostname
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return name === "" ? "tart-executor" : name;
}
