/**
 * The guest's SSH host key. Like a real Mac, a VM generates it on first boot and keeps it on its
 * disk; clones of a disk that has booted share it (which is how real tart clones behave).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generateParsableEd25519Key } from "./parsable-ed25519-key.js";

export function loadHostKey(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const { private: key, public: publicKey } = generateParsableEd25519Key("root@sim-guest");
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, key, { mode: 0o600 });
  renameSync(tmp, file);
  writeFileSync(`${file}.pub`, `${publicKey}\n`, { mode: 0o644 });
  return key;
}
