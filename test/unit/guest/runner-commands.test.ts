import { describe, expect, it } from "vitest";
import {
  checkRunnerCommand,
  followLogCommand,
  installRunnerCommand,
  shutdownCommand,
  startRunnerCommand,
} from "../../../src/guest/runner-commands.js";

const paths = {
  runnerDir: "~/actions-runner",
  logFile: "~/.tart-executor/runner.log",
  exitFile: "~/.tart-executor/runner.exit",
};

describe("runner commands", () => {
  it("check whether run.sh is executable", () => {
    expect(checkRunnerCommand("/Users/admin/actions-runner/")).toBe(
      "if [ -x '/Users/admin/actions-runner/run.sh' ]; then echo present; else echo absent; fi",
    );
  });

  it("install the tarball from stdin", () => {
    expect(installRunnerCommand("~/actions runner")).toBe(
      `mkdir -p "$HOME"/'actions runner' && tar -xzf - -C "$HOME"/'actions runner'`,
    );
  });

  it("start a JIT runner detached without nohup, the config coming from stdin into its environment only", () => {
    const command = startRunnerCommand({ ...paths, mode: { kind: "jit" } });
    expect(command.split("\n").slice(0, 4)).toEqual([
      `IFS= read -r secret`,
      `[ -n "$secret" ] || { echo 'expected the JIT config on stdin' >&2; exit 64; }`,
      `mkdir -p "$HOME"/'.tart-executor' && rm -f "$HOME"/'.tart-executor/runner.exit' || exit 1`,
      `(trap '' HUP; ACTIONS_RUNNER_INPUT_JITCONFIG=$secret; export ACTIONS_RUNNER_INPUT_JITCONFIG; exec /bin/sh -c 'exit_file=$1 inner=$2`,
    ]);
    expect(command).not.toContain("nohup");
    // The runner runs under a login zsh (or, without zsh, with the login profiles sourced).
    expect(command).toContain(`then zsh -l -c "$inner" tart-executor-runner "$@"`);
    expect(command).toContain(`for profile in /etc/zprofile "$HOME/.zprofile"`);
    expect(command).toContain(
      `sudo -n /sbin/shutdown -h now' tart-executor-runner "$HOME"/'.tart-executor/runner.exit' `,
    );
    expect(command).toContain(`> "$HOME"/'.tart-executor/runner.log' 2>&1 < /dev/null &\npid=$!\nsleep 1\n`);
    expect(command.endsWith(`fi\necho "$pid"`)).toBe(true);
  });

  it("refuse runner.environment names that are not variable names", () => {
    expect(startRunnerCommand({ ...paths, mode: { kind: "jit" }, environment: { LANG: "C" } })).toContain(
      "export LANG=",
    );
    expect(() =>
      startRunnerCommand({ ...paths, mode: { kind: "jit" }, environment: { "A;B": "x" } }),
    ).toThrow(/not a variable name/);
  });

  it("start a registration-token runner with every value quoted", () => {
    const command = startRunnerCommand({
      runnerDir: "/Users/admin/actions-runner",
      logFile: "/tmp/runner.log",
      exitFile: "/tmp/runner.exit",
      powerOff: false,
      mode: {
        kind: "registration",
        url: "https://github.com/octo-org",
        name: "vm 'one'",
        labels: ["macos", "$(id)"],
        runnerGroup: "Default",
        workFolder: "_work",
        disableUpdate: true,
      },
    });
    expect(command).toContain(
      `(trap '' HUP; TART_EXECUTOR_RUNNER_TOKEN=$secret; export TART_EXECUTOR_RUNNER_TOKEN; exec /bin/sh -c `,
    );
    expect(command).toContain(
      `token=$TART_EXECUTOR_RUNNER_TOKEN; unset TART_EXECUTOR_RUNNER_TOKEN; ./config.sh "$@" --token "$token" && exec ./run.sh'`,
    );
    expect(command).not.toContain("shutdown");
    expect(command).toContain(
      `'--unattended' '--ephemeral' '--replace' '--url' 'https://github.com/octo-org' '--name' 'vm '\\''one'\\''' ` +
        `'--labels' 'macos,$(id)' '--runnergroup' 'Default' '--work' '_work' '--disableupdate') ` +
        `> '/tmp/runner.log' 2>&1 < /dev/null &`,
    );
  });

  it("leaves out optional config.sh flags", () => {
    const command = startRunnerCommand({
      ...paths,
      mode: { kind: "registration", url: "u", name: "n", labels: [], workFolder: "w", disableUpdate: false },
    });
    expect(command).not.toMatch(/--labels|--runnergroup|--disableupdate/);
    expect(command).toContain(`'--name' 'n' '--work' 'w') >`);
  });

  it("refuse labels with commas", () => {
    const mode = {
      kind: "registration",
      url: "u",
      name: "n",
      labels: ["a,b"],
      workFolder: "w",
      disableUpdate: false,
    } as const;
    expect(() => startRunnerCommand({ ...paths, mode })).toThrow(/comma/);
  });

  it("follow the log until the exit file appears, then print the marker", () => {
    const command = followLogCommand(paths.logFile, paths.exitFile);
    expect(command.startsWith(`/bin/sh -c 'log=$1 exit_file=$2 offset=$3\nwhile :; do\n`)).toBe(true);
    expect(command).toContain(`echo "__TART_EXECUTOR_RUNNER_EXIT__ $(cat "$exit_file")"'`);
    expect(
      command.endsWith(
        `' tart-executor-follow "$HOME"/'.tart-executor/runner.log' "$HOME"/'.tart-executor/runner.exit' '0'`,
      ),
    ).toBe(true);
    expect(followLogCommand(paths.logFile, paths.exitFile, { fromByte: 42 })).toMatch(/ '42'$/);
    expect(() => followLogCommand(paths.logFile, paths.exitFile, { fromByte: -1 })).toThrow(/fromByte/);
  });

  it("power the guest off", () => {
    expect(shutdownCommand()).toBe("sudo -n /sbin/shutdown -h now");
  });
});
