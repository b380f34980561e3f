import type { SecretRegistry } from "./secret-registry.js";

/**
 * Redacts secrets handed out at run time (installation tokens, JIT configs) from the logs, keeping
 * the newest 200: older tokens and JIT configs are spent.
 */
export function rememberSecret(secrets: SecretRegistry | undefined): (value: string) => void {
  const recent: string[] = [];
  if (secrets === undefined) return () => undefined;
  return (value) => {
    secrets.add(value);
    recent.push(value);
    if (recent.length > 200) secrets.remove(recent.shift() ?? "");
  };
}
