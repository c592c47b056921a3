import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/database.js";
import { readUrlsFor, uniqueId } from "../support/env.js";
import { requestAcrossSigterm, spawnServer, waitForHealthz } from "../support/server-process.js";

const root = join(import.meta.dirname, "..", "..");
let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

describe("the server process", () => {
  it("serves, writes JSON logs, and exits 0 after draining on SIGTERM", async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const { child, output, exited } = spawnServer(["--import", "tsx", "server/main.ts"], {
      PORT: String(port), DATABASE_URL: database.url, DATABASE_READ_URLS: readUrlsFor(database.url).join(","), REDIS_KEY_PREFIX: `test:${uniqueId()}:`, APP_ENV: "local", RUN_WORKERS: "false",
    });
    try {
      expect(await waitForHealthz(port, 30_000), output()).toBe(true);
      // A request in flight when SIGTERM arrives still gets its answer.
      expect(await requestAcrossSigterm(port, child.pid!)).toBe(200);
      expect(await exited).toBe(0);
      const lines = output().trim().split("\n").map((l) => JSON.parse(l));
      expect(lines.some((l) => l.msg === "shutdown complete")).toBe(true);
      expect(lines.every((l) => typeof l.level === "string" && typeof l.time === "string")).toBe(true);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("refuses to start in production with dev secrets, naming them", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      cwd: root,
      env: { ...process.env, APP_ENV: "production", AUTH_JWT_SECRET: "", QUEUE_TOKEN_SECRET: "dev-only-queue-token-secret-change-me" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).not.toBe(0);
    expect(out).toMatch(/AUTH_JWT_SECRET is required in production/);
    expect(out).toMatch(/QUEUE_TOKEN_SECRET is the dev default/);
  });
});
