/** In-memory admin ports with fixed content, recording what the routes asked them to do. */
import type {
  AdminJob,
  ExecutorAdminPort,
  ExecutorAdminStatus,
  RouterAdminPort,
  RouterAdminStatus,
} from "../../../src/admin/admin-port.js";

export const JOB: AdminJob = {
  key: "acme/app#42#1",
  repo: "acme/app",
  jobId: 42,
  runAttempt: 1,
  name: "build",
  url: "https://github.com/acme/app/actions/runs/7/job/42",
  status: "in_progress",
  conclusion: null,
  image: "ghcr.io/cirruslabs/macos-sequoia-xcode:16",
  labels: ["tartelet"],
  runnerName: "tart-executor-acme-app-42-0a1b2c3d",
  givenUp: null,
  firstSeenAt: "2026-05-12T10:00:00.000Z",
  timeline: [
    { at: "2026-05-12T10:00:00.000Z", step: "received" },
    { at: "2026-05-12T10:01:30.000Z", step: "job started" },
  ],
};

export function fakeExecutorPort(): ExecutorAdminPort & { cancelled: string[]; accepting: boolean } {
  const port = {
    cancelled: [] as string[],
    accepting: true,
    status: (): ExecutorAdminStatus => ({
      kind: "executor",
      hostname: "mac-mini-1",
      version: "0.1.0",
      startedAt: "2026-05-12T09:00:00.000Z",
      accepting: port.accepting,
      draining: !port.accepting,
      slots: { limit: 2, used: 1, free: 1 },
      cpu: { limit: 8, used: 4 },
      memoryMiB: { limit: 24576, used: 8192 },
      jobs: { queued: 0, waiting: 0, inProgress: 1, givenUp: 0 },
      vms: [],
    }),
    jobs: () => [JOB],
    cancelJob: (key: string) => {
      port.cancelled.push(key);
      return key === JOB.key;
    },
    drain: () => void (port.accepting = false),
    resume: () => void (port.accepting = true),
  };
  return port;
}

export function fakeRouterPort(): RouterAdminPort & { cancelled: string[]; accepting: boolean } {
  const port = {
    cancelled: [] as string[],
    accepting: true,
    status: (): RouterAdminStatus => ({
      kind: "router",
      hostname: "router-1",
      version: "0.1.0",
      startedAt: "2026-05-12T09:00:00.000Z",
      accepting: port.accepting,
      queueDepth: 1,
      hosts: [
        {
          hostname: "mac-mini-1",
          url: "http://10.0.4.2:3250",
          priority: 0,
          healthy: true,
          lastSeen: "2026-05-12T10:00:00.000Z",
          freeSlots: 1,
          virtualMachineLimit: 2,
          activeVirtualMachines: 1,
          ownedJobs: 1,
        },
      ],
      jobs: [{ key: "acme/app#43#1", status: "queued", owner: null, url: null }],
    }),
    cancelJob: (key: string) => {
      port.cancelled.push(key);
      return key === "acme/app#43#1";
    },
    drain: () => void (port.accepting = false),
    resume: () => void (port.accepting = true),
  };
  return port;
}
