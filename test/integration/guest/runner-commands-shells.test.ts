import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  checkRunnerCommand,
  followLogCommand,
  installRunnerCommand,
  startRunnerCommand,
} from "../../../src/guest/runner-commands.js";
import { buildFakeRunnerTarball } from "./fake-runner.js";

// The login shell of a guest may be sh, bash or zsh; run the commands directly under the first two.
function runIn(
  shell: string,
  home: string,
  command: string,
  stdin: string | Buffer = "",
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH, HOME: home };
    const child = execFile(shell, ["-c", command], { cwd: "/", env }, (error, stdout, stderr) =>
      resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr }),
    );
    // Commands that never read stdin close it early; that is not a failure here.
    child.stdin?.on("error", () => {});
    child.stdin?.end(stdin);
  });
}

const homes: string[] = [];
afterEach(() => homes.splice(0).forEach((home) => rmSync(home, { recursive: true, force: true })));

function tempHome(): string {
  const home = mkdtempSync(join(tmpdir(), "tart-executor-home-"));
  homes.push(home);
  return home;
}

for (const shell of ["/bin/sh", "bash"]) {
  describe(`runner commands under ${shell}`, () => {
    it("install, start, follow to the exit marker", async () => {
      const home = tempHome();
      expect((await runIn(shell, home, checkRunnerCommand("actions-runner"))).stdout).toBe("absent\n");
      const install = await runIn(shell, home, installRunnerCommand("actions-runner"), "");
      expect(install.code).not.toBe(0); // an empty tarball is an error, not a silent success
      mkdirSync(join(home, "actions-runner"), { recursive: true });
      writeFileSync(join(home, "actions-runner", "run.sh"), "#!/bin/sh\nprintf 'quick runner'\nexit 5\n");
      chmodSync(join(home, "actions-runner", "run.sh"), 0o755);
      expect((await runIn(shell, home, checkRunnerCommand("~/actions-runner"))).stdout).toBe("present\n");
      const paths = { runnerDir: "actions-runner", logFile: "logs/runner.log", exitFile: "logs/runner.exit" };
      const start = await runIn(
        shell,
        home,
        startRunnerCommand({ ...paths, mode: { kind: "jit" }, powerOff: false }),
        "secret",
      );
      expect(start).toMatchObject({ code: 0, stderr: "" });
      expect(start.stdout).toMatch(/^\d+\n$/);
      const follow = await runIn(shell, home, followLogCommand(paths.logFile, paths.exitFile));
      expect(follow).toEqual({
        code: 0,
        stderr: "",
        stdout: "quick runner\n__TART_EXECUTOR_RUNNER_EXIT__ 5\n",
      });
    });

    it("puts the exit marker on its own line when the log lacks a final newline", async () => {
      const home = tempHome();
      writeFileSync(join(home, "partial.log"), "no newline at the end");
      writeFileSync(join(home, "partial.exit"), "0\n");
      const follow = await runIn(shell, home, followLogCommand("partial.log", "~/partial.exit"));
      expect(follow.stdout).toBe("no newline at the end\n__TART_EXECUTOR_RUNNER_EXIT__ 0\n");
    });

    it("refuses to start without a secret on stdin", async () => {
      const command = startRunnerCommand({
        runnerDir: "~/r",
        logFile: "~/x.log",
        exitFile: "~/x.exit",
        mode: { kind: "jit" },
      });
      expect(await runIn(shell, tempHome(), command)).toEqual({
        code: 64,
        stdout: "",
        stderr: "expected the JIT config on stdin\n",
      });
    });
  });
}

it("installs a real tarball from stdin", async () => {
  const home = tempHome();
  const install = await runIn(
    "/bin/sh",
    home,
    installRunnerCommand("~/runner dir"),
    buildFakeRunnerTarball(),
  );
  expect(install).toEqual({ code: 0, stdout: "", stderr: "" });
  expect((await runIn("/bin/sh", home, checkRunnerCommand("~/runner dir"))).stdout).toBe("present\n");
});
