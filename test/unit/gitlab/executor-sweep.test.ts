/** The executor daemon's periodic sweep also removes GitLab driver VMs a crashed driver left on the same Mac. */
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { sweep } from "../../../src/executor/sweeper.js";
import { gitlabVmName } from "../../../src/gitlab/gitlab-vm-name.js";

describe("executor sweep and GitLab VMs", () => {
  it("deletes this host's GitLab VMs past the maximum age and leaves young or foreign ones", async () => {
    const now = Date.UTC(2026, 11, 6, 10);
    const old = gitlabVmName("mini-1", "11", now - 2 * 24 * 3600 * 1000);
    const young = gitlabVmName("mini-1", "12", now - 3600 * 1000);
    const foreign = gitlabVmName("mini-2", "13", now - 2 * 24 * 3600 * 1000);
    const deleted: string[] = [];
    const result = await sweep({
      tart: {
        listLocal: () =>
          Promise.resolve(
            [old, young, foreign].map((name) => ({
              name,
              source: "local" as const,
              state: "running" as const,
            })),
          ),
        stop: () => Promise.resolve(),
        delete: (name: string) => {
          deleted.push(name);
          return Promise.resolve();
        },
      },
      github: {
        listRunners: () => Promise.resolve([]),
        deleteRunner: () => Promise.resolve("deleted" as const),
      },
      hostname: "mini-1",
      ledger: () => ({ jobs: new Map(), vms: new Map(), nextSeq: 0 }),
      hasTask: () => false,
      removeAdopted: () => undefined,
      log: pino({ level: "silent" }),
      now: () => now,
    });
    expect(deleted).toEqual([old]);
    expect(result.leakedVms).toBe(1);
  });
});
