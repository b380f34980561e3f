/**
 * Bad input reaches GitLab as the right exit code with a message naming what is wrong, before
 * any VM exists (tart is never run: `-x` points at a path that does not exist).
 */
import { describe, expect, it } from "vitest";
import { driver } from "./driver-context-fixture.js";

const NO_TART = ["-x", "/nonexistent/tart"];
const JOB = {
  CUSTOM_ENV_CI_JOB_ID: "77",
  CUSTOM_ENV_CI_JOB_IMAGE: "ghcr.io/cirruslabs/macos-sequoia-base:latest",
};

describe("gitlab-runner-tart-driver bad input", () => {
  it("a job without an image is a build failure naming the image variable", async () => {
    const result = await driver(["prepare", ...NO_TART], { CUSTOM_ENV_CI_JOB_ID: "77" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("the job has no image");
    expect(result.stderr).toContain("CUSTOM_ENV_CI_JOB_IMAGE");
  });

  it("an image matching --exclude-image-expr is a build failure naming the expression", async () => {
    const result = await driver(
      ["prepare", ...NO_TART, "--exclude-image-expr", "xcode:15.*", "--exclude-image-expr", "sequoia-base"],
      JOB,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('excluded by --exclude-image-expr "sequoia-base"');
  });

  it("an image not matching any --exclude-image-expr passes the check (and fails later on the missing tart)", async () => {
    const result = await driver(["prepare", ...NO_TART, "--exclude-image-expr", "xcode:15.*"], JOB);
    expect(result.stderr).not.toContain("excluded");
    expect(result.code).toBe(2);
  });

  it("bad --volume syntax is a system failure (the runner's config.toml is wrong)", async () => {
    for (const spec of ["/only-one-part", "relative:/vm", "/a:/b:rx", "/a:/b:ro:extra"]) {
      const result = await driver(["prepare", ...NO_TART, "--volume", spec], JOB);
      expect(result.code, spec).toBe(2);
      expect(result.stderr).toContain(`--volume ${JSON.stringify(spec)}`);
    }
  });

  it("hostile image names are refused as build failures and never reach tart", async () => {
    for (const image of [
      "ghcr.io/x/y;rm -rf /",
      "$(reboot)",
      "-rf",
      "ghcr.io/../etc:latest",
      "a b",
      "ghcr.io/x/y:`id`",
    ]) {
      const result = await driver(["prepare", ...NO_TART], { ...JOB, CUSTOM_ENV_CI_JOB_IMAGE: image });
      expect(result.code, image).toBe(1);
      expect(result.stderr).toContain("is not a valid Tart image reference");
      expect(result.stderr).not.toContain("tart could not start");
    }
  });

  it("uses $BUILD_FAILURE_EXIT_CODE and $SYSTEM_FAILURE_EXIT_CODE as GitLab Runner sets them", async () => {
    const env = { BUILD_FAILURE_EXIT_CODE: "17", SYSTEM_FAILURE_EXIT_CODE: "18" };
    expect((await driver(["prepare", ...NO_TART], { ...env, CUSTOM_ENV_CI_JOB_ID: "77" })).code).toBe(17);
    expect((await driver(["prepare", ...NO_TART, "--volume", "x"], { ...env, ...JOB })).code).toBe(18);
  });

  it("an unknown option or a bad number is a system failure with commander's message", async () => {
    const unknown = await driver(["prepare", "--bogus"], JOB);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--bogus'");
    const bad = await driver(["prepare", "--cpu", "many"], JOB);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("expected a positive integer");
  });

  it("rejects a bad TART_PULL_POLICY, TART_EXECUTOR_DISPLAY and TART_EXECUTOR_SHELL as build failures", async () => {
    const policy = await driver(["prepare", ...NO_TART], {
      ...JOB,
      CUSTOM_ENV_TART_PULL_POLICY: "sometimes",
    });
    expect([policy.code, policy.stderr.includes("TART_PULL_POLICY")]).toEqual([1, true]);
    const display = await driver(["prepare", ...NO_TART], {
      ...JOB,
      CUSTOM_ENV_TART_EXECUTOR_DISPLAY: "big",
    });
    expect([display.code, display.stderr.includes("TART_EXECUTOR_DISPLAY")]).toEqual([1, true]);
    const shell = await driver(["prepare", ...NO_TART], {
      ...JOB,
      CUSTOM_ENV_TART_EXECUTOR_SHELL: "zsh; id",
    });
    expect([shell.code, shell.stderr.includes("TART_EXECUTOR_SHELL")]).toEqual([1, true]);
  });

  it("a bad --gitlab-runner-version or --display is a system failure", async () => {
    expect((await driver(["prepare", ...NO_TART, "--gitlab-runner-version", "15.x; id"], JOB)).code).toBe(2);
    expect((await driver(["prepare", ...NO_TART, "--display", "wide"], JOB)).code).toBe(2);
  });

  it("cleanup never fails the job, even without tart", async () => {
    const result = await driver(["cleanup", ...NO_TART], JOB);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("tart list failed");
  });

  it("--version and --help exit 0", async () => {
    const version = await driver(["--version"], {});
    expect([version.code, version.stdout.trim()]).toEqual([0, "9.9.9"]);
    const help = await driver(["prepare", "--help"], {});
    expect(help.code).toBe(0);
    for (const option of [
      "--cpu",
      "--memory",
      "--display",
      "--no-auto-resources",
      "--concurrency",
      "--cache-dir",
      "--builds-dir",
      "--timeout",
      "--volume",
      "--install-gitlab-runner",
      "--force-install-gitlab-runner",
      "--gitlab-runner-version",
      "--tart-executable",
      "--exclude-image-expr",
    ])
      expect(help.stdout).toContain(option);
  });

  it("config prints the JSON GitLab Runner reads, in the SSH user's home by default", async () => {
    const result = await driver(["config", "-x", "/opt/homebrew/bin/tart"], {
      CUSTOM_ENV_TART_SSH_USERNAME: "gitlab",
    });
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      builds_dir: "/Users/gitlab/builds",
      cache_dir: "/Users/gitlab/cache",
      builds_dir_is_shared: true,
      hostname: "mini-1",
      driver: { version: "9.9.9" },
      job_env: {},
    });
  });
});
