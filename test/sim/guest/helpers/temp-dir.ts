import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** A fresh temp dir, and its removal. */
export function makeTempDir(prefix = "sim-guest-"): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A loopback address of its own for a test, so parallel tests (and engineers) never collide. */
export function uniqueLoopbackIp(): string {
  const byte = (): number => 1 + Math.floor(Math.random() * 254);
  return `127.${200 + Math.floor(Math.random() * 50)}.${byte()}.${byte()}`;
}

/** Polls `check` every 20 ms until it returns true; fails after `timeoutMs`. */
export async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
