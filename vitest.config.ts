import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    // A suite's beforeAll builds the bot (tsc) and starts real servers: slow on a loaded 2-core machine.
    hookTimeout: 120_000,
    pool: "forks",
    // Integration suites start real servers; two cores are all this machine has.
    maxWorkers: 2,
    // Under CI a JSON report lets .ci/run fail when anything was skipped.
    reporters: process.env.CI === "true" ? ["default", ["json", { outputFile: "test-results.json" }]] : ["default"],
  },
});
