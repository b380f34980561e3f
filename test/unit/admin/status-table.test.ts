import { describe, expect, it } from "vitest";
import type { AdminJob, ExecutorAdminStatus } from "../../../src/admin/admin-port.js";
import { renderExecutorStatus, renderRouterStatus } from "../../../src/cli/status-table.js";
import { fakeExecutorPort, fakeRouterPort, JOB } from "./fake-admin-ports.js";

const stripAnsi = (text: string): string =>
  [1, 22, 2, 31, 32, 33, 39].reduce((plain, code) => plain.replaceAll(`\u001b[${code}m`, ""), text);
const NOW = Date.parse("2026-05-12T10:10:00.000Z");
const IMAGE = "ghcr.io/cirruslabs/macos-sequoia-xcode:16";

const status: ExecutorAdminStatus = {
  ...fakeExecutorPort().status(),
  vms: [
    {
      name: "tart-executor-acme-app-42-0a1b2c3d",
      phase: "busy",
      image: IMAGE,
      cpu: 4,
      memoryMiB: 8192,
      ageSeconds: 543,
      forJob: "acme/app#42#1",
      servingJob: "acme/app#42#1",
    },
    {
      name: "tart-executor-acme-app-44-9f8e7d6c",
      phase: "booting",
      image: IMAGE,
      cpu: null,
      memoryMiB: null,
      ageSeconds: 12,
      forJob: "acme/app#44#1",
      servingJob: null,
    },
  ],
};

const givenUp: AdminJob = {
  ...JOB,
  key: "acme/app#40#2",
  name: "test",
  status: "completed",
  conclusion: "failure",
  givenUp: "VM failed 3 times",
  firstSeenAt: "2026-05-12T09:20:00.000Z",
  timeline: [{ at: "2026-05-12T09:30:00.000Z", step: "vm failed", detail: "boot timed out" }],
};

describe("renderExecutorStatus", () => {
  it("prints the header, budget, VMs and recent jobs with their last step", () => {
    expect(renderExecutorStatus(status, [JOB, givenUp], { color: false, nowMs: NOW })).toBe(
      [
        "tart-executor mac-mini-1  v0.1.0  accepting  up 1h 10m",
        "slots   1 of 2 in use, 1 free",
        "cpu     4 of 8 cores in use",
        "memory  8192 of 24576 MiB in use",
        "jobs    0 queued, 0 waiting, 1 in progress, 0 given up",
        "",
        "VM                                  PHASE    IMAGE                                      AGE     JOB",
        `tart-executor-acme-app-42-0a1b2c3d  busy     ${IMAGE}  9m 03s  acme/app#42#1`,
        `tart-executor-acme-app-44-9f8e7d6c  booting  ${IMAGE}  12s     acme/app#44#1`,
        "",
        "RECENT JOBS",
        "JOB            NAME   STATUS       LAST STEP                               AGE",
        "acme/app#42#1  build  in_progress  job started, 8m 30s ago                 10m 00s",
        "acme/app#40#2  test   given up     vm failed: boot timed out, 40m 00s ago  50m 00s",
        "",
      ].join("\n"),
    );
  });

  it("says when it drains, has no budget, no VMs and no jobs", () => {
    const idle: ExecutorAdminStatus = {
      ...status,
      accepting: false,
      draining: true,
      cpu: { limit: null, used: 0 },
      memoryMiB: { limit: null, used: 0 },
      vms: [],
    };
    expect(renderExecutorStatus(idle, [], { color: false, nowMs: NOW })).toBe(
      [
        "tart-executor mac-mini-1  v0.1.0  draining  up 1h 10m",
        "slots   1 of 2 in use, 1 free",
        "cpu     0 cores in use (no budget)",
        "memory  0 MiB in use (no budget)",
        "jobs    0 queued, 0 waiting, 1 in progress, 0 given up",
        "",
        "no VMs",
        "",
        "RECENT JOBS",
        "no recent jobs",
        "",
      ].join("\n"),
    );
  });

  it("colours phases and states only when asked, keeping the columns aligned", () => {
    const text = renderExecutorStatus(status, [givenUp], { color: true, nowMs: NOW });
    const lines = text.split("\n");
    expect(lines[0]).toBe(
      "\u001b[1mtart-executor mac-mini-1\u001b[22m  v0.1.0  \u001b[32maccepting\u001b[39m  up 1h 10m",
    );
    expect(lines[7]).toBe(
      `tart-executor-acme-app-42-0a1b2c3d  \u001b[32mbusy\u001b[39m     ${IMAGE}  9m 03s  acme/app#42#1`,
    );
    expect(lines[8]).toContain("\u001b[33mbooting\u001b[39m  ");
    expect(text).toContain("\u001b[31mgiven up\u001b[39m");
    // Without the codes it is exactly the plain rendering.
    expect(stripAnsi(text)).toBe(renderExecutorStatus(status, [givenUp], { color: false, nowMs: NOW }));
  });

  it("shows the ten most recent jobs and says how many more --json has", () => {
    const jobs = Array.from({ length: 12 }, (_, i) => ({ ...JOB, key: `acme/app#${i}#1` }));
    const text = renderExecutorStatus(status, jobs, { color: false, nowMs: NOW });
    expect(text).toContain("acme/app#9#1");
    expect(text).not.toContain("acme/app#10#1");
    expect(text.endsWith("… 2 older jobs (--json lists all)\n")).toBe(true);
  });
});

describe("renderRouterStatus", () => {
  it("prints the queue, each host with its health, and the jobs", () => {
    const router = fakeRouterPort().status();
    const hosts = [
      ...router.hosts,
      {
        ...router.hosts[0]!,
        hostname: "mac-mini-2",
        url: "http://10.0.4.3:3250",
        priority: 1,
        healthy: false,
        lastSeen: null,
        freeSlots: 0,
        activeVirtualMachines: 0,
        ownedJobs: 0,
      },
    ];
    const jobs = [
      ...router.jobs,
      { key: "acme/app#42#1", status: "in_progress", owner: "mac-mini-1", url: null },
    ];
    expect(renderRouterStatus({ ...router, queueDepth: 2, hosts, jobs }, { color: false, nowMs: NOW })).toBe(
      [
        "tart-router router-1  v0.1.0  accepting  up 1h 10m",
        "queue   2 jobs wait for a host with room",
        "",
        "HOST        HEALTH       PRIORITY  VMS  FREE  JOBS  LAST SEEN    URL",
        "mac-mini-1  healthy      0         1/2  1     1     10m 00s ago  http://10.0.4.2:3250",
        "mac-mini-2  unreachable  1         0/2  0     0     never        http://10.0.4.3:3250",
        "",
        "JOBS",
        "JOB            STATUS       HOST",
        "acme/app#43#1  queued       -",
        "acme/app#42#1  in_progress  mac-mini-1",
        "",
      ].join("\n"),
    );
  });
});

describe("renderExecutorStatus with a warm pool", () => {
  it("shows a warm VM as waiting for a job instead of its pool key", () => {
    const warm: ExecutorAdminStatus = {
      ...status,
      vms: [
        {
          name: "tart-executor-mac-mini-1-warm0001",
          phase: "idle",
          image: IMAGE,
          cpu: null,
          memoryMiB: null,
          ageSeconds: 30,
          forJob: `warm:${IMAGE}`,
          servingJob: null,
        },
      ],
    };
    const text = renderExecutorStatus(warm, [], { color: false, nowMs: NOW });
    expect(text).toContain(
      `tart-executor-mac-mini-1-warm0001  idle   ${IMAGE}  30s  warm, waiting for a job`,
    );
  });
});
