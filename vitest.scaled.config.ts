import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

/**
 * `npm run test:scaled` (SPEC 7.4): the whole suite against the scaled topology of
 * `npm run infra:up -- --topology scaled` (env from .infra/scaled.env, set by scripts/test-scaled.mjs),
 * plus test/scaled/: the fault tests that stop and restart that topology's own nodes, and the tests of
 * cluster-only code paths (hold-key-slot-scan.test.ts).
 */
// The fault tests kill nodes every other test file relies on, so they run in a second phase
// (SCALED_FAULTS=1, set by scripts/test-scaled.mjs), one file at a time, after the suite.
const faults = process.env.SCALED_FAULTS === "1";

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: faults ? ["test/scaled/**/*.test.ts"] : ["test/**/*.test.ts", "test/**/*.test.tsx"],
    exclude: [
      "**/node_modules/**",
      ...(faults ? [] : ["test/scaled/**"]),
      // Starts and kills its own single broker on 19092/19093 to test the relay against one broker
      // going away; the three-broker version of that fault is test/scaled/kafka-broker-loss.test.ts.
      "test/outbox/kafka-outage.test.ts",
    ],
    // Every test server here talks to six Redis nodes, three brokers and two MariaDB servers that share the
    // machine with it: give each test and hook three times the single-node limits (waiting longer, nothing
    // asserted differently), so a loaded machine is not reported as a failure.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    ...(faults ? { maxWorkers: 1, fileParallelism: false } : {}),
    outputFile: { json: faults ? "test-results/vitest-scaled-faults.json" : "test-results/vitest-scaled.json" },
  },
});
