import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

/**
 * `npm run test:scaled` (SPEC 7.4): the whole suite against the scaled topology of
 * `npm run infra:up -- --topology scaled` (env from .infra/scaled.env, set by scripts/test-scaled.mjs),
 * plus the fault tests of test/scaled/ that stop and restart that topology's own nodes.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    exclude: [
      "**/node_modules/**",
      // Starts and kills its own single broker on 19092/19093 to test the relay against one broker
      // going away; the three-broker version of that fault is test/scaled/kafka-broker-loss.test.ts.
      "test/events/kafka-outage.test.ts",
    ],
    outputFile: { json: "test-results/vitest-scaled.json" },
  },
});
