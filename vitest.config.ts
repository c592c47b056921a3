import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    // Fault tests and Redis-Cluster-only tests of the scaled topology (SPEC 7.4): `npm run test:scaled` only (vitest.scaled.config.ts).
    exclude: ["**/node_modules/**", "test/scaled/**"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Each file gets its own database, Redis key prefix and topic prefix, so files may run side by side.
    maxWorkers: 2,
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest.json" },
  },
});
