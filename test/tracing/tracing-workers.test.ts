import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/database.js";
import { uniqueId } from "../support/env.js";
import { KIND, startOtlpReceiver } from "../support/otlp-receiver.js";
import { freePort } from "../queue/child-server.js";

/**
 * `npm start` with WORKERS=2: every worker process turns tracing on for itself (the primary only forks),
 * and SIGTERM exports what each still buffers before it exits. The export delay is ten minutes, so
 * nothing reaches the receiver before SIGTERM (checked) and everything after it.
 */
const N = 12;
const RPC = "concert.v1.ConcertService/ListConcerts";

let child: ChildProcess | undefined;
let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  for (const c of cleanup.reverse()) await c().catch(() => {});
  child = undefined;
  cleanup = [];
});

/** One request on a fresh connection, so the primary deals consecutive requests to both workers. */
function request(port: number, method: "GET" | "POST", path: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, agent: false, headers: body ? { "content-type": "application/json" } : {} }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("tracing with node:cluster workers", () => {
  it("each worker exports its own spans, and SIGTERM flushes them", { timeout: 300_000 }, async () => {
    const receiver = await startOtlpReceiver();
    cleanup.push(() => receiver.close());
    const db = await createTestDatabase();
    cleanup.push(() => db.drop());
    const port = await freePort();
    const id = uniqueId("otelw");
    child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        APP_ENV: "local",
        HOST: "127.0.0.1",
        PORT: String(port),
        WORKERS: "2",
        LOG_LEVEL: "error",
        DATABASE_URL: db.url,
        REDIS_KEY_PREFIX: `test:${id}:`,
        KAFKA_TOPIC_PREFIX: `${id}.`,
        SALES_PROJECTION_GROUP_ID: `${id}.sales`,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: "concert-workers-test",
        OTEL_BSP_SCHEDULE_DELAY: "600000",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child!.once("exit", (code) => r(code)));
    // Both workers up: 10 fresh connections in a row answered.
    for (let i = 0, okInRow = 0; okInRow < 10; i++) {
      if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr}`);
      if (i > 600) throw new Error(`server not ready: ${stderr}`);
      const ok = await request(port, "GET", "/readyz").then((s) => s === 200, () => false);
      okInRow = ok ? okInRow + 1 : 0;
      if (!ok) await new Promise((r) => setTimeout(r, 250));
    }
    for (let i = 0; i < N; i++) expect(await request(port, "POST", `/${RPC}`, "{}")).toBe(200);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(receiver.requests()).toBe(0); // still buffered: only the shutdown can have sent them

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const rpcs = receiver.spans().filter((s) => s.kind === KIND.server && s.name === RPC);
    expect(rpcs.length).toBe(N);
    const pids = new Set(rpcs.map((s) => s.resource["process.pid"]));
    expect(pids.size).toBe(2);
    expect(pids.has(child.pid!)).toBe(false); // the primary serves nothing
    expect(rpcs.every((s) => s.resource["service.name"] === "concert-workers-test")).toBe(true);
    // Their SQL (the catalogue read) came along as children.
    const ids = new Set(rpcs.map((s) => s.spanId));
    expect(receiver.spans().some((s) => s.kind === KIND.client && ids.has(s.parentSpanId) && s.attributes["db.system.name"] === "mysql")).toBe(true);
  });
});
