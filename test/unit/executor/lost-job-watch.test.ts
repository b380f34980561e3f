import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { applyEvent, emptyLedger } from "../../../src/executor/ledger.js";
import { LostJobWatch } from "../../../src/executor/lost-job-watch.js";
import type { Ledger, LedgerEvent } from "../../../src/executor/model.js";
import { jobEvent, key, vmPhase, vmStarted } from "./support/fixtures.js";

/** Feeds events through the ledger and the watch; returns the warnings it logged. */
function run(events: LedgerEvent[]): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString("utf8")) as Record<string, unknown>);
      done();
    },
  });
  const watch = new LostJobWatch(pino({ base: null }, sink));
  let ledger: Ledger = emptyLedger();
  for (const event of events) {
    ledger = applyEvent(ledger, event);
    watch.observe(event, ledger);
  }
  return lines.filter((line) => line["level"] === 40);
}

const url = "https://github.com/Octo-Org/Octo-Repo/actions/runs/1001/job/1";
const started = [jobEvent(1, "queued", 0), vmStarted("vm-a", 1, 0), vmPhase("vm-a", "idle", 1)];

describe("LostJobWatch", () => {
  it("warns, naming the job's URL, when GitHub gives a job to a runner whose VM already stopped", () => {
    const warnings = run([
      ...started,
      vmPhase("vm-a", "tearing-down", 2),
      { type: "vm-gone", at: 3, vm: "vm-a" },
      jobEvent(1, "in_progress", 4, { runnerName: "vm-a", htmlUrl: url }),
      jobEvent(1, "completed", 5, { runnerName: "vm-a", htmlUrl: url, conclusion: "failure" }),
    ]);
    expect(warnings).toEqual([expect.objectContaining({ vm: "vm-a", job: key(1), url })]);
  });

  it("also when the delivery arrives while the VM is still being torn down", () => {
    const warnings = run([
      ...started,
      vmPhase("vm-a", "tearing-down", 2),
      jobEvent(1, "in_progress", 3, { runnerName: "vm-a", htmlUrl: url }),
    ]);
    expect(warnings).toHaveLength(1);
  });

  it("says nothing about a VM that took its job before it went, or a job that succeeded", () => {
    expect(
      run([
        ...started,
        vmPhase("vm-a", "busy", 2),
        vmPhase("vm-a", "tearing-down", 3),
        { type: "vm-gone", at: 4, vm: "vm-a" },
        jobEvent(1, "in_progress", 5, { runnerName: "vm-a", htmlUrl: url }),
      ]),
    ).toEqual([]);
    expect(
      run([
        ...started,
        vmPhase("vm-a", "tearing-down", 2),
        jobEvent(1, "completed", 3, { runnerName: "vm-a", htmlUrl: url, conclusion: "success" }),
      ]),
    ).toEqual([]);
  });
});
