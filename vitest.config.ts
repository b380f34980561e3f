import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: ["default"],
    // The end-to-end suites run real processes on a 2-core machine; in CI a test that fails from
    // timing alone gets one more try. Local runs never retry, so flakes stay visible.
    retry: process.env["CI"] ? 1 : 0,
  },
});
