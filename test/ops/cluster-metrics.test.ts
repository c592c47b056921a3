import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/database.js";
import { uniqueId } from "../support/env.js";
import { freePort } from "../queue/child-server.js";

/**
 * SPEC 7.4: /metrics answers for the whole server. A server with WORKERS=2 (node:cluster, one port)
 * serves N RPCs, each on a connection of its own so the primary deals them out to both workers; every
 * scrape (itself landing on either worker) must count exactly N.
 */
const N = 40;
const RPC = "concert.v1.ConcertService/ListConcerts";

let child: ChildProcess | undefined;
let dropDb: (() => Promise<void>) | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once("exit", r));
    child.kill("SIGTERM");
    const hard = setTimeout(() => child?.kill("SIGKILL"), 20_000);
    await exited;
    clearTimeout(hard);
  }
  await dropDb?.();
  child = dropDb = undefined;
});

/** One request on a fresh connection (no keep-alive), so consecutive requests can reach different workers. */
function request(port: number, method: "GET" | "POST", path: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, agent: false, headers: body ? { "content-type": "application/json" } : {} }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function startClusteredServer(main = "server/main.ts"): Promise<number> {
  const db = await createTestDatabase();
  dropDb = db.drop;
  const port = await freePort();
  const id = uniqueId("m");
  child = spawn(process.execPath, ["--import", "tsx", main], {
    cwd: process.cwd(),
    env: { ...process.env, APP_ENV: "local", HOST: "127.0.0.1", PORT: String(port), WORKERS: "2", LOG_LEVEL: "error", DATABASE_URL: db.url, REDIS_KEY_PREFIX: `test:${id}:`, KAFKA_TOPIC_PREFIX: `${id}.` },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  // Both workers up: /readyz answered by two distinct pids is not observable, so wait until 10 fresh
  // connections in a row all answer (the primary hands connections to workers in turn).
  for (let i = 0, okInRow = 0; okInRow < 10; i++) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr}`);
    if (i > 600) throw new Error(`server not ready: ${stderr}`);
    const ok = await request(port, "GET", "/readyz").then((r) => r.status === 200, () => false);
    okInRow = ok ? okInRow + 1 : 0;
    if (!ok) await new Promise((r) => setTimeout(r, 250));
  }
  return port;
}

/** rpc_requests_total for one RPC, summed over its code labels, from one scrape. */
async function scrapeCount(port: number): Promise<number> {
  const r = await request(port, "GET", "/metrics");
  expect(r.status).toBe(200);
  let total = 0;
  for (const line of r.text.split("\n")) {
    if (line.startsWith("rpc_requests_total{") && line.includes(`rpc="${RPC}"`)) total += Number(line.split(" ").pop());
  }
  return total;
}

async function serveAndScrape(port: number): Promise<number[]> {
  for (let i = 0; i < N; i++) {
    const r = await request(port, "POST", `/${RPC}`, "{}");
    expect(r.status).toBe(200);
  }
  const counts: number[] = [];
  for (let i = 0; i < 6; i++) counts.push(await scrapeCount(port));
  return counts;
}

describe("/metrics with WORKERS=2", () => {
  it("every scrape counts all the requests both workers served", async () => {
    const port = await startClusteredServer();
    expect(await serveAndScrape(port)).toEqual(Array(6).fill(N));
    // the process metrics are combined too: two workers' heaps, not one
    const text = (await request(port, "GET", "/metrics")).text;
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
  });

  it("negative control: answering from the worker that took the scrape undercounts", async () => {
    const port = await startClusteredServer("test/support/per-worker-metrics-main.ts");
    const counts = await serveAndScrape(port);
    // each worker saw only its share: no scrape reaches N, and together two of them do
    expect(counts.every((c) => c < N)).toBe(true);
    expect(Math.max(...counts) + Math.min(...counts)).toBe(N);
  });
});
