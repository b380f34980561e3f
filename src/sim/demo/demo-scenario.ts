/** The mix of jobs `npm run demo` replays: what a busy morning on one Mac mini looks like. */
import { IMAGE_WITHOUT_RUNNER, IMAGE_WITH_RUNNER } from "../world/sim-world.js";

export interface DemoJob {
  readonly title: string;
  readonly labels: readonly string[];
  readonly durationMs: number;
  /** Seconds after the start of the demo. */
  readonly at: number;
  /** What the demo expects to happen to the job. */
  readonly expect: "served" | "ignored" | "cancelled";
  readonly duplicateDelivery?: boolean;
  /** Cancel the job this many seconds after it was queued. */
  readonly cancelAfter?: number;
}

export const DEMO_JOBS: readonly DemoJob[] = [
  {
    title: "unit tests (Xcode image, cpu:4)",
    labels: ["tartelet", IMAGE_WITH_RUNNER, "cpu:4"],
    durationMs: 2500,
    at: 0,
    expect: "served",
    duplicateDelivery: true,
  },
  {
    title: "UI tests (alias xcode)",
    labels: ["tartelet", "xcode", "memory:8192"],
    durationMs: 3000,
    at: 0.2,
    expect: "served",
  },
  { title: "Linux job (not ours)", labels: ["ubuntu-latest"], durationMs: 500, at: 0.4, expect: "ignored" },
  {
    title: "lint (vanilla image: runner copied in)",
    labels: ["self-hosted", "macOS", "tartelet", IMAGE_WITHOUT_RUNNER],
    durationMs: 1500,
    at: 0.6,
    expect: "served",
  },
  {
    title: "docs (cancelled while queued)",
    labels: ["tartelet", IMAGE_WITH_RUNNER],
    durationMs: 1000,
    at: 0.8,
    expect: "cancelled",
    cancelAfter: 0.5,
  },
  { title: "archive", labels: ["tartelet", IMAGE_WITH_RUNNER], durationMs: 2000, at: 1.0, expect: "served" },
  {
    title: "snapshot tests",
    labels: ["TARTELET", IMAGE_WITH_RUNNER, "cpu:4"],
    durationMs: 1500,
    at: 1.2,
    expect: "served",
  },
];
