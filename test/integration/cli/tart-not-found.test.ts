/** The daemon started without tart anywhere: it exits 1 and says how to install tart from its current tap. */
import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it.skipIf(existsSync("/opt/homebrew/bin/tart") || existsSync("/usr/local/bin/tart"))(
  "tart-executor without tart exits 1 naming where it looked and `brew install openai/tools/tart`",
  () => {
    const entry = path.join(ROOT, "dist/cli/tart-executor.js");
    if (!existsSync(entry))
      throw new Error("dist/ is missing: build first with `npm run build` (npm test does)");
    const dir = mkdtempSync(path.join(tmpdir(), "no-tart-"));
    dirs.push(dir);
    const pem = path.join(dir, "app.pem");
    writeFileSync(
      pem,
      generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }),
      {
        mode: 0o600,
      },
    );
    const config = path.join(dir, "tart-executor.yaml");
    writeFileSync(
      config,
      readFileSync(path.join(ROOT, "tart-executor.example.yaml"), "utf8")
        .replace(/^ {2}privateKey: .*$/m, `  privateKey: ${pem}`)
        .replace(/^stateDirectory: .*$/m, `stateDirectory: ${path.join(dir, "state")}`),
    );
    const result = spawnSync(process.execPath, [entry, "--config", config], {
      cwd: dir,
      // PATH holds only node: no tart on it.
      env: {
        PATH: path.dirname(process.execPath),
        HOME: dir,
        TART_EXECUTOR_WEBHOOK_SECRET: "test-webhook-secret",
      },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(1);
    const output = result.stdout + result.stderr;
    expect(output).toContain(
      "tart not found on PATH, in /opt/homebrew/bin or in /usr/local/bin: install it with `brew install openai/tools/tart`",
    );
    expect(output).not.toContain("cirruslabs/cli");
  },
);
