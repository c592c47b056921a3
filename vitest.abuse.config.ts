import { defineConfig } from "vitest/config";

/**
 * `npm run test:abuse`: hostile traffic against a real server process on 127.0.0.1 (test/abuse/).
 * Not part of `npm test`: the files end in .abuse.ts, which its include pattern does not match.
 * One file at a time, so the attacks do not also compete with each other for the two cores.
 */
export default defineConfig({
  test: {
    include: ["test/abuse/**/*.abuse.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    // .ci/run's closing lines read this report.
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest-abuse.json" },
  },
});
