import { spawn } from "node:child_process";
import * as http from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/database.js";
import { readUrlsFor, uniqueId } from "../support/env.js";

const root = join(import.meta.dirname, "..", "..");
let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

describe("the server process", () => {
  it("serves, writes JSON logs, and exits 0 after draining on SIGTERM", async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      cwd: root,
      env: { ...process.env, PORT: String(port), DATABASE_URL: database.url, DATABASE_READ_URLS: readUrlsFor(database.url).join(","), REDIS_KEY_PREFIX: `test:${uniqueId()}:`, APP_ENV: "local", RUN_WORKERS: "false" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      let up = false;
      while (!up && Date.now() < deadline) {
        up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false);
        if (!up) await new Promise((r) => setTimeout(r, 200));
      }
      expect(up, out).toBe(true);
      // A request in flight when SIGTERM arrives still gets its answer: send its headers, signal, then its body.
      const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/concert.v1.ConcertService/ListConcerts", headers: { "content-type": "application/json" } });
      const answered = new Promise<number>((resolve, reject) => {
        req.on("response", (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
      });
      req.flushHeaders();
      await new Promise((r) => setTimeout(r, 300));
      child.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 300));
      req.end("{}");
      expect(await answered).toBe(200);
      expect(await exited).toBe(0);
      const lines = out.trim().split("\n").map((l) => JSON.parse(l));
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
