import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    // A hang guard, not a speed target: CLI tests spawn several processes each, and on a loaded
    // two-core machine one spawn can take several seconds.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // Tests start their own loopback servers; two cores, so keep parallelism modest.
    maxWorkers: 2,
  },
});
