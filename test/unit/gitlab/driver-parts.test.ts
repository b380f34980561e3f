import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { normalizeArgs } from "../../../src/gitlab/driver-program.js";
import {
  gitlabVmName,
  isOwnGitlabVmName,
  isStaleGitlabVmName,
  parseGitlabVmName,
  GITLAB_VM_MAX_AGE_MS,
} from "../../../src/gitlab/gitlab-vm-name.js";
import { vmResources } from "../../../src/gitlab/host-resources.js";
import { installGitlabRunnerCommand } from "../../../src/gitlab/install-gitlab-runner.js";
import { loginForImage, readJobVariables } from "../../../src/gitlab/job-variables.js";
import { scriptCommand } from "../../../src/gitlab/run-stage.js";
import { parseVolumeSpec } from "../../../src/gitlab/volume-spec.js";
import { linkSharesCommand, tartDirArgument } from "../../../src/gitlab/guest-shares.js";
import { isOwnVmName } from "../../../src/shared/vm-name.js";

describe("GitLab VM names", () => {
  it("carry the host, the job id and the creation time, and never look like the daemon's own", () => {
    const now = Date.UTC(2026, 11, 6, 10, 0, 0);
    const name = gitlabVmName("Mini-1.local", "4242", now);
    expect(name).toMatch(/^gitlab-mini-1-local-4242-[0-9a-z]+$/);
    expect(parseGitlabVmName(name)).toEqual({ host: "mini-1-local", jobId: "4242", createdMs: now });
    expect(isOwnGitlabVmName(name, "Mini-1.local")).toBe(true);
    expect(isOwnGitlabVmName(name, "mini-2")).toBe(false);
    expect(isOwnVmName(name, "Mini-1.local")).toBe(false);
  });

  it("are stale past the maximum age, only for this host", () => {
    const created = Date.UTC(2026, 0, 1);
    const name = gitlabVmName("mini-1", "1", created);
    expect(isStaleGitlabVmName(name, "mini-1", created + GITLAB_VM_MAX_AGE_MS - 1000)).toBe(false);
    expect(isStaleGitlabVmName(name, "mini-1", created + GITLAB_VM_MAX_AGE_MS + 1000)).toBe(true);
    expect(isStaleGitlabVmName(name, "mini-2", created + GITLAB_VM_MAX_AGE_MS + 1000)).toBe(false);
    expect(isStaleGitlabVmName("tart-executor-mini-1-abcdefgh", "mini-1", Date.now())).toBe(false);
  });

  it("refuse a job id that is not a number", () => {
    expect(() => gitlabVmName("mini-1", "1;id", 0)).toThrow(/not a number/);
  });
});

describe("--volume and shares", () => {
  it("parses docker syntax with an optional :ro", () => {
    expect(parseVolumeSpec("/data/models/:/opt/data/models:ro")).toEqual({
      hostPath: "/data/models",
      guestPath: "/opt/data/models",
      readOnly: true,
    });
    expect(parseVolumeSpec("/a:/b")).toEqual({ hostPath: "/a", guestPath: "/b", readOnly: false });
  });

  it("splits the seed's single-argument '--volume /a:/b:ro' form as a shell would", () => {
    expect(normalizeArgs(["prepare", "--volume /data/models/:/opt/data/models:ro"])).toEqual([
      "prepare",
      "--volume",
      "/data/models/:/opt/data/models:ro",
    ]);
  });

  it("become named tart --dir shares linked from the guest path, every value quoted", () => {
    const share = { name: "volume1", hostPath: "/data/m", guestPath: "/opt/it's", readOnly: true };
    expect(tartDirArgument(share)).toBe("volume1:/data/m:ro");
    expect(linkSharesCommand([share])).toContain(`'/opt/it'\\''s'`);
    expect(linkSharesCommand([share])).toContain(`'/Volumes/My Shared Files/volume1'`);
  });
});

describe("resources", () => {
  it("divides the host by --concurrency with --auto-resources, explicit values win", () => {
    const host = { cpus: 8, memoryMiB: 16384 };
    expect(vmResources({ autoResources: true, concurrency: 2 }, host)).toEqual({ cpu: 4, memoryMiB: 8192 });
    expect(vmResources({ autoResources: true, concurrency: 1 }, host)).toEqual({ cpu: 8, memoryMiB: 16384 });
    expect(vmResources({ autoResources: true, concurrency: 2, cpu: 3 }, host)).toEqual({
      cpu: 3,
      memoryMiB: 8192,
    });
    expect(vmResources({ autoResources: false, concurrency: 2 }, host)).toEqual({
      cpu: null,
      memoryMiB: null,
    });
    expect(vmResources({ autoResources: false, concurrency: 2, memory: 4096 }, host)).toEqual({
      cpu: null,
      memoryMiB: 4096,
    });
  });
});

describe("job variables", () => {
  const base = { CUSTOM_ENV_CI_JOB_ID: "9" };
  it("have the seed's defaults", () => {
    expect(readJobVariables(base)).toMatchObject({
      pullPolicy: "if-not-present",
      sshUsername: "admin",
      sshPassword: "admin",
      headless: true,
      softnet: false,
      vnc: false,
      installGitlabRunner: false,
      ipTimeoutSeconds: 60,
      registryLogins: [],
    });
  });

  it("log in to TART_REGISTRY first and GitLab's own registry (CI_REGISTRY*) otherwise", () => {
    const job = readJobVariables({
      ...base,
      CUSTOM_ENV_TART_REGISTRY: "private.registry.io",
      CUSTOM_ENV_TART_REGISTRY_USERNAME: "me",
      CUSTOM_ENV_TART_REGISTRY_PASSWORD: "secret-1",
      CUSTOM_ENV_CI_REGISTRY: "registry.gitlab.com",
      CUSTOM_ENV_CI_REGISTRY_USER: "gitlab-ci-token",
      CUSTOM_ENV_CI_REGISTRY_PASSWORD: "secret-2",
    });
    expect(loginForImage("private.registry.io/tart/xcode14:latest", job.registryLogins)?.username).toBe("me");
    expect(loginForImage("registry.gitlab.com/acme/img:1", job.registryLogins)?.password).toBe("secret-2");
    expect(loginForImage("ghcr.io/cirruslabs/x:1", job.registryLogins)).toBeUndefined();
  });
});

describe("guest commands", () => {
  it("the run command keeps the script's exit status and gives it no stdin", () => {
    const result = spawnSync("bash", ["-c", scriptCommand("/bin/bash")], {
      input: "read line && echo stole-stdin; echo ran; exit 7\n",
      encoding: "utf8",
      env: { PATH: process.env["PATH"] ?? "", TMPDIR: "/tmp" },
    });
    expect(result.status).toBe(7);
    expect(result.stdout).toBe("ran\n");
  });

  it("the install command tries curl, then wget, then brew, and honours --force", () => {
    const soft = installGitlabRunnerCommand({
      force: false,
      version: "15.11.0",
      downloadBase: "https://mirror.example",
    });
    expect(soft).toMatch(/command -v gitlab-runner[\s\S]*curl[\s\S]*wget[\s\S]*brew/);
    expect(soft).toContain("'https://mirror.example/v15.11.0/binaries/gitlab-runner-darwin-arm64'");
    const forced = installGitlabRunnerCommand({ force: true, version: "latest", downloadBase: "https://m" });
    expect(forced).not.toContain(
      "command -v gitlab-runner >/dev/null 2>&1; then gitlab-runner --version; exit 0",
    );
    expect(forced).toContain("/latest/binaries/");
    expect(() => execFileSync("bash", ["-n", "-c", forced])).not.toThrow();
  });
});
