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
import { RUNNER_START_FAILED } from "../../../src/guest/start-runner-command.js";
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
const paths = { runnerDir: "actions-runner", logFile: "logs/runner.log", exitFile: "logs/runner.exit" };

function runnerScript(home: string, body: string): void {
  mkdirSync(join(home, "actions-runner"), { recursive: true });
  writeFileSync(join(home, "actions-runner", "run.sh"), `#!/bin/sh\n${body}\n`);
  chmodSync(join(home, "actions-runner", "run.sh"), 0o755);
}
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
      writeFileSync(
        join(home, "actions-runner", "run.sh"),
        "#!/bin/sh\necho 'Listening for Jobs'\nsleep 2\nprintf 'quick runner'\nexit 5\n",
      );
      chmodSync(join(home, "actions-runner", "run.sh"), 0o755);
      expect((await runIn(shell, home, checkRunnerCommand("~/actions-runner"))).stdout).toBe("present\n");
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
        stdout: "Listening for Jobs\nquick runner\n__TART_EXECUTOR_RUNNER_EXIT__ 5\n",
      });
    });

    it("runs the runner with the login profile read and runner.environment on top", async () => {
      const home = tempHome();
      runnerScript(home, "echo \"LANG=$LANG EXTRA=$EXTRA PATH=$PATH\"; echo 'Listening for Jobs'");
      writeFileSync(
        join(home, ".zprofile"),
        'export LANG=en_US.UTF-8\nexport PATH="/opt/homebrew/bin:$PATH"\n',
      );
      const start = await runIn(
        shell,
        home,
        startRunnerCommand({
          ...paths,
          mode: { kind: "jit" },
          powerOff: false,
          environment: { EXTRA: "it's $x" },
        }),
        "secret",
      );
      expect(start).toMatchObject({ code: 0, stderr: "" });
      const follow = await runIn(shell, home, followLogCommand(paths.logFile, paths.exitFile));
      expect(follow.stdout).toMatch(/^LANG=en_US\.UTF-8 EXTRA=it's \$x PATH=\/opt\/homebrew\/bin:/);
    });

    it("fails the start within seconds, with the log's last lines, when the runner exits at once", async () => {
      const home = tempHome();
      runnerScript(home, "echo 'boom: no such runner'; exit 3");
      const started = Date.now();
      const start = await runIn(
        shell,
        home,
        startRunnerCommand({ ...paths, mode: { kind: "jit" }, powerOff: false }),
        "s",
      );
      expect(start.code).toBe(RUNNER_START_FAILED);
      expect(start.stderr).toBe(
        "the runner did not start: it exited at once; last lines of its log:\nboom: no such runner\n",
      );
      expect(Date.now() - started).toBeLessThan(10_000);
    });

    it("fails the start when the runner's log shows a shell failure even though it still runs", async () => {
      const home = tempHome();
      runnerScript(home, "no-such-tool-anywhere; sleep 5");
      const start = await runIn(
        shell,
        home,
        startRunnerCommand({ ...paths, mode: { kind: "jit" }, powerOff: false }),
        "s",
      );
      expect(start.code).toBe(RUNNER_START_FAILED);
      expect(start.stderr).toMatch(
        /its log shows a failure; last lines of its log:\n.*no-such-tool-anywhere.*not found/,
      );
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
