/**
 * Issue 11 (surge) scenarios: many WatchQueueStatus streams on one server process, and a sale's
 * opening (a crowd calling IssueToken at once, then polling by next_poll_after_ms). Each runs its
 * load generator (bench/load/watch-load.mjs, opening-load.mjs) in its own process against its own
 * server (WORKERS=1), database, Redis prefix and topics.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { adminClient, concertWithSeats, jwt, jwts, queueSigner, range } from "./fixtures.js";
import { QueueFiller } from "./queue-scale.js";
import { createTopics, deleteTopics, dropDatabase, freshDatabase, log, ROOT, startServer, unlinkPrefix } from "./stack.js";

let seq = 0;
async function runScript(script: string, job: unknown): Promise<any> {
  const file = path.join(os.tmpdir(), `bench-surge-${process.pid}-${++seq}.json`);
  fs.writeFileSync(file, JSON.stringify(job));
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["--max-old-space-size=4096", path.join(ROOT, "bench/load", script), file], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      child.stdout!.on("data", (d) => (out += d));
      child.once("exit", (code) => {
        try {
          resolve(JSON.parse(out.trim().split("\n").pop() ?? ""));
        } catch {
          reject(new Error(`${script} exited ${code} without a result: ${out.slice(0, 500)}`));
        }
      });
    });
  } finally {
    fs.rmSync(file, { force: true });
  }
}

async function withServer<T>(tag: string, runId: string, env: Record<string, string>, body: (s: Awaited<ReturnType<typeof startServer>>, prefix: string) => Promise<T>): Promise<T> {
  const dbUrl = await freshDatabase(`concert_bench_${runId}_${tag}`);
  const prefix = `bench:${runId}:${tag}:`;
  const topicPrefix = `bench_${runId}_${tag}.`;
  await createTopics(topicPrefix);
  const server = await startServer({ DATABASE_URL: dbUrl, REDIS_KEY_PREFIX: prefix, KAFKA_TOPIC_PREFIX: topicPrefix, ...env }, 1);
  try {
    return await body(server, prefix);
  } finally {
    await server.stop();
    await dropDatabase(dbUrl).catch(() => {});
    await unlinkPrefix(prefix).catch(() => {});
    await deleteTopics(topicPrefix).catch(() => {});
  }
}

/** `streams` watchers of one paused line (distinct fans), over at least 100 HTTP/2 connections of <= 100 streams. */
export async function watchersScenario(runId: string, streams: number) {
  return withServer(`watch${streams}`, runId, {}, async (server, prefix) => {
    const admin = await adminClient(server.url);
    const c = await concertWithSeats(admin, `bench watch ${streams}`, 10, 0);
    const base = 20_000_000;
    const filler = new QueueFiller(prefix, c.concertId, base, streams);
    await filler.fillTo(streams);
    filler.close();
    const ids = range(base + 1, streams);
    const tokens = await jwts(ids);
    const items = ids.map((u, i) => ({ jwt: tokens[i], qt: queueSigner.sign({ concertId: c.concertId, userId: u, entryId: filler.entryOf[i + 1]! }) }));
    const connections = Math.max(100, Math.ceil(streams / 90));
    const res = await runScript("watch-load.mjs", {
      url: server.url, serverPid: server.pid, concertId: c.concertId, adminJwt: await jwt(1, true),
      // Bounded: 120 s per phase, 200 s at 50,000 (on the shared machine the 50,000 first messages took 115 s).
      admitTo: 100, connections, items, timeoutS: Math.max(120, Math.ceil(streams / 250)),
    });
    log(`watchers ${streams}: first message for all in ${res.timeUntilEveryFirstMessageMs} ms, ${res.memoryPerStreamKB} KB/stream ` +
      `(heap ${res.heapPerStreamKB} KB), server CPU ${res.serverCpuMsPerStreamOpen} ms/stream, ` +
      `update p99 ${res.admission.admissionToUpdateMs.p99} ms, /healthz p99 ${res.healthzMs.duringOpen.p99} ms`);
    return res;
  });
}

/** `fans` new fans call IssueToken at once, then poll by their hints for `pollS` seconds. */
export async function openingScenario(runId: string, fans: number, pollS: number) {
  return withServer("opening", runId, {}, async (server) => {
    const admin = await adminClient(server.url);
    const c = await concertWithSeats(admin, "bench opening", 10, 100);
    const ids = range(30_000_001, fans);
    const tokens = await jwts(ids);
    const res = await runScript("opening-load.mjs", {
      url: server.url, concertId: c.concertId, connections: 64, inFlight: 256, pollS, items: tokens.map((t) => ({ jwt: t })),
    });
    log(`opening ${fans}: all placed in ${res.timeUntilAllPlacedMs} ms (${res.issueTokenPerSecond}/s), polls ${res.pollsPerSecond}/s, rate-limited ${res.rateLimited}`);
    return res;
  });
}

/** Runs the surge scenarios the BENCH_SURGE env selects (default all): "watch", "opening". */
export async function surgeScenarios(runId: string, quick: boolean) {
  const want = new Set((process.env.BENCH_SURGE ?? "watch,opening").split(","));
  const out: Record<string, unknown> = {};
  if (want.has("watch")) {
    out.watchers = [];
    for (const n of quick ? [10_000] : [10_000, 50_000]) (out.watchers as unknown[]).push(await watchersScenario(runId, n));
  }
  const fans = Number(process.env.BENCH_OPENING_FANS ?? (quick ? 20_000 : 100_000));
  if (want.has("opening")) out.opening = await openingScenario(runId, fans, quick ? 10 : 20);
  return out;
}
