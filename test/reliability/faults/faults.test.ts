/**
 * Every fault scenario, one test each, against the real executor process on the simulated world.
 * The scenarios live in tart-faults.ts, guest-faults.ts, github-faults.ts, restart-faults.ts,
 * router-faults.ts, deadlines.ts and durability.ts;
 * they are registered from this one file so that they run concurrently (vitest runs test files
 * one after the other on a 2-core machine, and most of a scenario's time is spent waiting on
 * deadlines, not computing). The slow-client test of the hostile-input part (../slow-client.ts)
 * is registered here for the same reason: it spends 30–60 s waiting.
 */
import { afterAll, vi } from "vitest";
import { stopAllExecutors } from "../../helpers/executor-process.js";
import { flushTotals } from "../../helpers/rel-totals.js";
import { describeDeadlines } from "./deadlines.js";
import { describeDurability } from "./durability.js";
import { describeGitHubFaults } from "./github-faults.js";
import { describeGuestFaults } from "./guest-faults.js";
import { describeRestartFaults } from "./restart-faults.js";
import { describeRouterFaults } from "./router-faults.js";
import { describeTartFaults } from "./tart-faults.js";
import { describeSlowClient } from "../slow-client.js";

vi.setConfig({ maxConcurrency: Number(process.env["RELIABILITY_CONCURRENCY"] ?? 10) });

afterAll(async () => {
  await stopAllExecutors();
  flushTotals(import.meta.url);
});

// Longest first: they set the suite's length, the short ones fill the gaps.
describeRestartFaults();
describeRouterFaults();
describeSlowClient();
describeGitHubFaults();
describeTartFaults();
describeGuestFaults();
describeDurability();
describeDeadlines();
