import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/database.js";
import { uniqueId } from "../support/env.js";
import { requestAcrossSigterm, spawnServer, waitForHealthz } from "../support/server-process.js";

const root = join(import.meta.dirname, "..", "..");
const start: string = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts.start;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

describe("`npm start` runs node itself and drains on SIGTERM (issue 12 item 9)", () => {
  it("the start command is node with no shell, npm or tsx process in between", () => {
    // A wrapper (sh -c, npm, the tsx CLI) is a separate process: SIGTERM to it did not reach the server.
    expect(start).toMatch(/^node\s/);
    expect(start).not.toMatch(/[;&|`$()<>]/);
  });

  it("SIGTERM to the PID of that command (what `docker stop` does to PID 1) lets an in-flight request finish, then exits 0", async () => {
    const [cmd, ...args] = start.split(/\s+/);
    expect(cmd).toBe("node");
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    // Exec form, as a container runtime runs CMD ["node", ...]: the child is the server process itself.
    const { child, output, exited } = spawnServer(args, {
      PORT: String(port), DATABASE_URL: database.url, REDIS_KEY_PREFIX: `test:${uniqueId()}:`, APP_ENV: "local", RUN_WORKERS: "false", WORKERS: "2",
    });
    const ready = () => (output().match(/concert server ready/g) ?? []).length;
    try {
      const deadline = Date.now() + 60_000;
      expect(await waitForHealthz(port, 60_000), output()).toBe(true);
      // Both workers serving (the first answer may come from one while the other still starts).
      while (ready() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(ready(), output()).toBe(2);
      expect(await requestAcrossSigterm(port, child.pid!)).toBe(200);
      expect(await exited, output()).toBe(0);
      const msgs = output().trim().split("\n").map((l) => JSON.parse(l).msg);
      expect(msgs).toContain("shutting down workers");
      expect(msgs.filter((m) => m === "shutting down: draining requests").length).toBe(2);
      expect(msgs.at(-1)).toBe("shutdown complete");
    } finally {
      child.kill("SIGKILL");
    }
  });
});
