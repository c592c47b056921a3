import { defineConfig } from "vitest/config";

/**
 * The fast tier (`npm run test:fast`): use cases with in-memory ports and pure mapping, in-process, no
 * MySQL, Redis or Kafka, so a change to one use case is checked in seconds. `npm test` runs these too.
 */
export default defineConfig({
  test: {
    include: ["test/**/*.fast.test.ts"],
    testTimeout: 10_000,
  },
});
