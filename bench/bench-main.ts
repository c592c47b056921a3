/**
 * npm run bench [-- --quick] [-- --no-wait] [-- --keep] [-- --scaled] [-- --smoke]
 * Stands up its own stack (infra:up, a fresh database per server phase, the server as child processes
 * with WORKERS=1 and then WORKERS=2), runs scenarios a-g of issue 7 with load generators in their own
 * processes, and writes bench/results/<date>.json and .md. See README "Performance".
 * --scaled also runs IssueToken and hold-then-pay (WORKERS=1) against the scaled topology of
 * `npm run infra:up -- --topology scaled` (.infra/scaled.env), into the same results under `scaled`.
 * BENCH_ONLY=scaled runs only those two on both topologies; --smoke shrinks every run to a second or
 * so (checks the wiring; its figures mean nothing).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { QueryTypes } from "sequelize";
import { createSequelize } from "../server/db/sequelize.js";
import { adminClient, concertWithSeats, issueTokens, jwts, queueSigner, range, usersWithBalance } from "./lib/fixtures.js";
import { QueueFiller } from "./lib/queue-scale.js";
import { holdThenPaySummary, startCostProbe } from "./lib/purchase-metrics.js";
import { seatStormRun } from "./lib/seat-storm.js";
import { redisBaseline } from "./lib/redis-baseline.js";
import { renderMarkdown } from "./lib/report.js";
import { surgeScenarios } from "./lib/surge.js";
import { summarize } from "./lib/percentiles.mjs";
import {
  createTopics, deleteTopics, dropDatabase, freshDatabase, infraUp, log, machine, ROOT, runGenerator, scaledTarget, SINGLE_NODE, sleep,
  startBareHttp, startMinimalConnect, startServer, targetEnv, topicMessageCount, unlinkPrefix, type ServerProc, type Target,
} from "./lib/stack.js";

const argv = new Set(process.argv.slice(2));
const only = process.env.BENCH_ONLY;
const smoke = argv.has("--smoke");
const quick = argv.has("--quick") || smoke;
const scaled = argv.has("--scaled") || only === "scaled";
const S = smoke
  ? { durationS: 1, warmupS: 0.5, connections: 8, issueUsers: 1_000, statusUsers: 200, stormClients: 200, purchases: 60, redisRequests: 5_000, scale: [10_000] }
  : quick
  ? { durationS: 5, warmupS: 1.5, connections: 32, issueUsers: 15_000, statusUsers: 1_000, stormClients: 2_000, purchases: 1_200, redisRequests: 50_000, scale: [100_000, 1_000_000] }
  : { durationS: 15, warmupS: 3, connections: 32, issueUsers: 40_000, statusUsers: 2_000, stormClients: 10_000, purchases: 4_000, redisRequests: 200_000, scale: [100_000, 1_000_000] };
const WORKER_COUNTS = [1, 2];
const runId = randomBytes(3).toString("hex");
const redisPrefix = (w: number | string) => `bench:${runId}:${w}:`;
const started = new Date();
const t0 = performance.now();
const cleanups: Array<() => Promise<unknown>> = [];

async function waitForQuiet(): Promise<{ waitedS: number; load1AtStart: number; quiet: boolean }> {
  const limitMs = quick || argv.has("--no-wait") ? 0 : 15 * 60_000;
  const begin = Date.now();
  while (os.loadavg()[0] >= 1.5 && Date.now() - begin < limitMs) {
    log(`load average ${os.loadavg()[0].toFixed(2)} >= 1.5: waiting for a quieter machine (up to 15 min)`);
    await sleep(20_000);
  }
  return { waitedS: Math.round((Date.now() - begin) / 1000), load1AtStart: +os.loadavg()[0].toFixed(2), quiet: os.loadavg()[0] < 1.5 };
}

const connectItems = (items: Array<{ jwt?: string; qt?: string; body: unknown }>) =>
  items.map((it) => ({ headers: { ...(it.jwt ? { authorization: `Bearer ${it.jwt}` } : {}), ...(it.qt ? { "x-queue-token": it.qt } : {}) }, body: it.body }));
const grpcItems = (items: Array<{ jwt?: string; qt?: string; body: unknown }>) =>
  items.map((it) => ({ metadata: { ...(it.jwt ? { authorization: `Bearer ${it.jwt}` } : {}), ...(it.qt ? { "x-queue-token": it.qt } : {}) }, body: it.body }));

/** One RPC over Connect JSON (autocannon) and over gRPC (grpc-js), each in its own process. */
async function bothProtocols(server: ServerProc, service: string, method: string, fullName: string,
  items: Array<{ jwt?: string; qt?: string; body: unknown }>, opts: { warmup?: boolean; split?: boolean } = {}) {
  // IssueToken wants a new fan per call: each protocol gets its own half of the prepared users.
  const half = Math.floor(items.length / 2);
  const forConnect = opts.split ? items.slice(0, half) : items;
  const forGrpc = opts.split ? items.slice(half) : items;
  const http = (durationS: number) => runGenerator("http", { url: server.url, path: `/${fullName}/${method}`, items: connectItems(forConnect), connections: S.connections, durationS });
  const grpc = (durationS: number) => runGenerator("grpc", { mode: "unary", address: server.address, service, method, items: grpcItems(forGrpc), concurrency: S.connections, channels: 4, durationS });
  if (opts.warmup) {
    await http(S.warmupS);
    await grpc(S.warmupS);
  }
  const connect = await http(S.durationS);
  const grpcRes = await grpc(S.durationS);
  log(`${method}: connect ${connect.rps}/s p99 ${connect.latencyMs.p99} ms, grpc ${grpcRes.rps}/s p99 ${grpcRes.latencyMs.p99} ms`);
  return { connect, grpc: grpcRes };
}

async function phase(workers: number, withExtras: boolean) {
  const dbName = `concert_bench_${runId}_w${workers}`;
  const topicPrefix = `bench_${runId}_w${workers}.`;
  const prefix = redisPrefix(`w${workers}`);
  log(`phase WORKERS=${workers}: database ${dbName}`);
  const dbUrl = await freshDatabase(dbName);
  if (!argv.has("--keep")) cleanups.push(() => dropDatabase(dbUrl));
  cleanups.push(() => unlinkPrefix(prefix));
  cleanups.push(() => deleteTopics(topicPrefix));
  await createTopics(topicPrefix);
  const server = await startServer({ DATABASE_URL: dbUrl, REDIS_KEY_PREFIX: prefix, KAFKA_TOPIC_PREFIX: topicPrefix, QUEUE_MAX_ACTIVE: "100000" }, workers);
  const db = createSequelize(dbUrl, [], 5);
  const out: Record<string, unknown> = { workers, load1AtStart: +os.loadavg()[0].toFixed(2) };
  try {
    const admin = await adminClient(server.url);
    const base = workers * 10_000_000;

    // b. framework baselines: a no-op RPC on this server, and a bare node:http endpoint with as many processes.
    const bare = await startBareHttp(workers);
    const bareRes = await runGenerator("http", { url: bare.url, path: "/check", items: [{ body: {} }], connections: S.connections, durationS: S.durationS });
    await bare.stop();
    log(`bare node:http: ${bareRes.rps}/s p99 ${bareRes.latencyMs.p99} ms`);
    const minimalConnect = await minimalConnectBaseline(workers);
    out.b = { bareHttp: bareRes, minimalConnect, healthCheck: await bothProtocols(server, "health", "Check", "grpc.health.v1.Health", [{ body: {} }], { warmup: true }) };

    // a. IssueToken (a new fan per call; the line admits 100 at once) and GetQueueStatus (waiting fans polling).
    const issue = await issueTokenRun(server, admin, base);
    const a2 = await concertWithSeats(admin, "bench status", 50, 0);
    const statusIds = range(base + 5_000_001, S.statusUsers);
    const statusJwts = await jwts(statusIds);
    const tickets = await issueTokens(server.url, a2.concertId, statusIds, statusJwts);
    const statusItems = statusIds.map((_, i) => ({ jwt: statusJwts[i], qt: tickets[i]!.token, body: {} }));
    out.a = { issueToken: issue, getQueueStatus: await bothProtocols(server, "queue", "GetQueueStatus", "concert.v1.QueueService", statusItems, { warmup: true }) };

    // e. hold-then-pay, distinct seats and users, every fan ACTIVE with a balance; f. outbox latency meanwhile.
    Object.assign(out, await holdThenPayRun(server, admin, db, base, topicPrefix, SINGLE_NODE));

    if (withExtras) {
      out.d = await seatStorm(server, admin, db, base);
      out.g = await queueScale(server, admin, prefix, base);
    }
  } finally {
    await db.close();
    await server.stop();
  }
  return out;
}

/** a. IssueToken over both protocols, a new fan per call (the line admits 100 at once). */
async function issueTokenRun(server: ServerProc, admin: Awaited<ReturnType<typeof adminClient>>, base: number) {
  const a1 = await concertWithSeats(admin, "bench issue", 50, 100);
  const issueIds = range(base + 1, S.issueUsers);
  const issueJwts = await jwts(issueIds);
  const issueItems = issueIds.map((_, i) => ({ jwt: issueJwts[i], body: { concertId: String(a1.concertId) } }));
  return bothProtocols(server, "queue", "IssueToken", "concert.v1.QueueService", issueItems, { split: true });
}

/** e. hold-then-pay (distinct seats and users, every fan ACTIVE with a balance) and f. the outbox latency meanwhile. */
async function holdThenPayRun(server: ServerProc, admin: Awaited<ReturnType<typeof adminClient>>, db: ReturnType<typeof createSequelize>,
  base: number, topicPrefix: string, target: Target) {
  const e = await concertWithSeats(admin, "bench purchase", S.purchases, 100_000);
  const buyerIds = range(base + 6_000_001, S.purchases);
  await usersWithBalance(db, buyerIds, 1_000_000);
  const buyerJwts = await jwts(buyerIds);
  const buyerTickets = await issueTokens(server.url, e.concertId, buyerIds, buyerJwts);
  const notActive = buyerTickets.filter((t) => t.state !== "QUEUE_STATE_ACTIVE").length;
  if (notActive) throw new Error(`${notActive} buyers not ACTIVE before the purchase run`);
  const [{ maxId }] = await db.query<{ maxId: number }>("SELECT COALESCE(MAX(id), 0) AS maxId FROM outbox", { type: QueryTypes.SELECT });
  const cost = await startCostProbe(server.pid!, db);
  const purchase = await runGenerator("grpc", {
    mode: "purchase", address: server.address, scheduleId: e.scheduleId, concurrency: S.connections, channels: 4,
    users: buyerIds.map((_, i) => ({ metadata: { authorization: `Bearer ${buyerJwts[i]}`, "x-queue-token": buyerTickets[i]!.token }, seat: i + 1 })),
  });
  const holdThenPay = holdThenPaySummary(purchase, await cost.finish(purchase.completed));
  log(`hold-then-pay (${target.name}): ${purchase.completed}/${purchase.attempted} in ${purchase.seconds} s = ${purchase.purchasesPerSecond}/s, p99 ${purchase.latencyMs.p99} ms, server CPU ${holdThenPay.serverCpuMsPerPurchase} ms/purchase`);
  return { holdThenPay, e: purchase, f: await outboxLatency(db, Number(maxId), topicPrefix, target.kafkaBrokers) };
}

/**
 * IssueToken and hold-then-pay on one topology with WORKERS=1, in a database, key prefix and topics of
 * their own: the scaled topology's figures beside the single-node ones of the same run.
 */
async function purchasePathPhase(target: Target, label: string) {
  const dbName = `concert_bench_${runId}_${label}`;
  const topicPrefix = `bench_${runId}_${label}.`;
  const prefix = redisPrefix(label);
  log(`${target.name} phase (WORKERS=1): database ${dbName} on ${target.mysqlRoot}`);
  const dbUrl = await freshDatabase(dbName, target.mysqlRoot);
  if (!argv.has("--keep")) cleanups.push(() => dropDatabase(dbUrl));
  cleanups.push(() => unlinkPrefix(prefix, target.redisClusterNodes));
  cleanups.push(() => deleteTopics(topicPrefix, target.kafkaBrokers));
  await createTopics(topicPrefix, target.kafkaBrokers);
  const server = await startServer({ ...targetEnv(target, dbName), REDIS_KEY_PREFIX: prefix, KAFKA_TOPIC_PREFIX: topicPrefix, QUEUE_MAX_ACTIVE: "100000" }, 1);
  const db = createSequelize(dbUrl, [], 5);
  const out: Record<string, unknown> = {
    workers: 1,
    topology: {
      mysql: target.mysqlRoot, replicas: target.replicaRoots, kafkaBrokers: target.kafkaBrokers,
      redis: target.redisClusterNodes.length ? target.redisClusterNodes : [target.redisUrl],
    },
    load1AtStart: +os.loadavg()[0].toFixed(2),
  };
  try {
    const admin = await adminClient(server.url);
    const base = 30_000_000 + (label === "scaled" ? 10_000_000 : 0);
    out.a = { issueToken: await issueTokenRun(server, admin, base) };
    Object.assign(out, await holdThenPayRun(server, admin, db, base, topicPrefix, target));
  } finally {
    await db.close();
    await server.stop();
  }
  return out;
}

async function outboxLatency(db: ReturnType<typeof createSequelize>, afterId: number, topicPrefix: string, brokers: string[]) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [{ unsent }] = await db.query<{ unsent: number }>("SELECT COUNT(*) AS unsent FROM outbox WHERE id > ? AND sent_at IS NULL", { replacements: [afterId], type: QueryTypes.SELECT });
    if (Number(unsent) === 0 || Date.now() > deadline) break;
    await sleep(250);
  }
  const rows = await db.query<{ ms: number; sent: number | null }>(
    "SELECT TIMESTAMPDIFF(MICROSECOND, created_at, sent_at) / 1000 AS ms, sent_at IS NOT NULL AS sent FROM outbox WHERE id > ?",
    { replacements: [afterId], type: QueryTypes.SELECT });
  const sent = rows.filter((r) => Number(r.sent) === 1).map((r) => Number(r.ms));
  const onKafka = (await topicMessageCount(`${topicPrefix}reservation-events`, brokers)) + (await topicMessageCount(`${topicPrefix}payment-events`, brokers));
  const res = { events: rows.length, sent: sent.length, messagesOnKafka: onKafka, commitToKafkaMs: summarize(sent),
    measure: "outbox.sent_at - outbox.created_at per event (both MySQL NOW(3)): row written in the business transaction to the relay's update after Kafka acked" };
  log(`outbox: ${sent.length}/${rows.length} sent, ${onKafka} on Kafka, p50 ${res.commitToKafkaMs.p50} ms p99 ${res.commitToKafkaMs.p99} ms`);
  return res;
}

async function seatStorm(server: ServerProc, admin: Awaited<ReturnType<typeof adminClient>>, db: ReturnType<typeof createSequelize>, base: number) {
  return seatStormRun(server, admin, db, base + 7_000_001, S.stormClients);
}

async function queueScale(server: ServerProc, admin: Awaited<ReturnType<typeof adminClient>>, prefix: string, base: number) {
  const g = await concertWithSeats(admin, "bench scale", 50, 0); // paused: everyone stays WAITING
  const filler = new QueueFiller(prefix, g.concertId, base + 8_000_000, Math.max(...S.scale));
  const out = [];
  try {
    for (const n of S.scale) {
      const enterPerSecond = await filler.fillTo(n);
      const memory = await filler.memory();
      // GetQueueStatus through the API for users spread over the whole line.
      const sample = Array.from({ length: S.statusUsers }, () => 1 + Math.floor(Math.random() * n));
      const tokens = await jwts(sample.map((i) => base + 8_000_000 + i));
      const items = sample.map((i, j) => ({
        jwt: tokens[j], body: {},
        qt: queueSigner.sign({ concertId: g.concertId, userId: base + 8_000_000 + i, entryId: filler.entryOf[i]! }),
      }));
      const status = await bothProtocols(server, "queue", "GetQueueStatus", "concert.v1.QueueService", items, { warmup: true });
      log(`queue scale ${n}: ${memory.bytesPerWaitingUser} B/user, status grpc p99 ${status.grpc.latencyMs.p99} ms`);
      out.push({ waitingUsers: n, fillEnterScriptsPerSecond: enterPerSecond, memory, getQueueStatus: status });
    }
  } finally {
    filler.close();
  }
  return out;
}

/** The framework's own ceiling: a minimal Connect-Node server with one no-op handler (bench/load/minimal-connect.ts). */
async function minimalConnectBaseline(workers: number) {
  const srv = await startMinimalConnect(workers);
  try {
    const job = { url: srv.url, path: "/grpc.health.v1.Health/Check", items: [{ body: {} }], connections: S.connections };
    await runGenerator("http", { ...job, durationS: S.warmupS });
    const res = await runGenerator("http", { ...job, durationS: S.durationS });
    log(`minimal Connect-Node: ${res.rps}/s p99 ${res.latencyMs.p99} ms`);
    return res;
  } finally {
    await srv.stop();
  }
}

function ratio(a: number | undefined, b: number | undefined) {
  return a && b ? +(a / b).toFixed(3) : null;
}

async function main() {
  const mode = smoke ? "smoke" : quick ? "quick" : "full";
  log(`run ${runId} (${mode}): npm run infra:up${scaled ? " -- --topology scaled" : ""}`);
  infraUp(scaled);
  const scaledAt = scaled ? scaledTarget() : undefined;
  const quiet = await waitForQuiet();
  const result: any = { runId, mode, startedAt: started.toISOString(), machine: machine(), quiet, settings: S };
  try {
    result.phases = {};
    // BENCH_ONLY=surge runs just the surge scenarios (issue 11), BENCH_SURGE picks among them;
    // BENCH_ONLY=scaled just IssueToken and hold-then-pay on both topologies.
    if (only !== "scaled") {
      log("c. redis-benchmark on the same Redis");
      result.c = await redisBaseline(redisPrefix("rb"), S.redisRequests, S.connections);
      cleanups.push(() => unlinkPrefix(redisPrefix("rb")));
    }
    if (!only) {
      for (const w of WORKER_COUNTS) result.phases[`workers${w}`] = await phase(w, w === Math.max(...WORKER_COUNTS));
    }
    if (scaledAt) {
      // beside the single-node figures of this run: phase WORKERS=1, or a phase of its own with BENCH_ONLY=scaled
      const single = result.phases.workers1 ?? (result.singleNode = await purchasePathPhase(SINGLE_NODE, "single"));
      result.scaled = await purchasePathPhase(scaledAt, "scaled");
      result.scaled.vsSingleNode = {
        issueTokenConnect: ratio(result.scaled.a.issueToken.connect.rps, single.a.issueToken.connect.rps),
        issueTokenGrpc: ratio(result.scaled.a.issueToken.grpc.rps, single.a.issueToken.grpc.rps),
        holdThenPay: ratio(result.scaled.e.purchasesPerSecond, single.e.purchasesPerSecond),
        serverCpuMsPerPurchase: ratio(result.scaled.holdThenPay.serverCpuMsPerPurchase, single.holdThenPay.serverCpuMsPerPurchase),
      };
    }
    if (!only || only === "surge") {
      log("surge: WatchQueueStatus streams and a sale's opening");
      result.surge = await surgeScenarios(runId, quick);
    }
  } finally {
    for (const c of cleanups.reverse()) await c().catch((e) => log(`cleanup: ${(e as Error).message}`));
  }
  const w1 = result.phases.workers1, w2 = result.phases.workers2;
  if (w1 && w2) result.ratios = {
    issueTokenGrpcVsNoopGrpc: ratio(w2.a.issueToken.grpc.rps, w2.b.healthCheck.grpc.rps),
    issueTokenConnectVsNoopConnect: ratio(w2.a.issueToken.connect.rps, w2.b.healthCheck.connect.rps),
    getQueueStatusGrpcVsNoopGrpc: ratio(w2.a.getQueueStatus.grpc.rps, w2.b.healthCheck.grpc.rps),
    getQueueStatusConnectVsNoopConnect: ratio(w2.a.getQueueStatus.connect.rps, w2.b.healthCheck.connect.rps),
    noopConnectVsBareHttp: ratio(w2.b.healthCheck.connect.rps, w2.b.bareHttp.rps),
    noopVsMinimalConnect: ratio(w2.b.healthCheck.connect.rps, w2.b.minimalConnect.rps),
    minimalConnectVsBareHttp: ratio(w2.b.minimalConnect.rps, w2.b.bareHttp.rps),
    issueTokenGrpcVsRedisEnterScript: ratio(w2.a.issueToken.grpc.rps, result.c.enterScript.rps),
    getQueueStatusGrpcVsRedisStatusScript: ratio(w2.a.getQueueStatus.grpc.rps, result.c.statusScript.rps),
    workers2VsWorkers1: {
      issueTokenGrpc: ratio(w2.a.issueToken.grpc.rps, w1.a.issueToken.grpc.rps),
      issueTokenConnect: ratio(w2.a.issueToken.connect.rps, w1.a.issueToken.connect.rps),
      getQueueStatusGrpc: ratio(w2.a.getQueueStatus.grpc.rps, w1.a.getQueueStatus.grpc.rps),
      getQueueStatusConnect: ratio(w2.a.getQueueStatus.connect.rps, w1.a.getQueueStatus.connect.rps),
      holdThenPay: ratio(w2.e.purchasesPerSecond, w1.e.purchasesPerSecond),
    },
  };
  result.finishedAt = new Date().toISOString();
  result.elapsedS = Math.round((performance.now() - t0) / 1000);
  result.load1AtEnd = +os.loadavg()[0].toFixed(2);
  const dir = path.join(ROOT, "bench/results");
  fs.mkdirSync(dir, { recursive: true });
  const stamp = started.toISOString().replace(/[:]/g, "-").replace(/\..*/, "") + (smoke ? "-smoke" : quick ? "-quick" : "") + (scaled ? "-scaled" : "");
  fs.writeFileSync(path.join(dir, `${stamp}.json`), JSON.stringify(result, null, 2) + "\n");
  fs.writeFileSync(path.join(dir, `${stamp}.md`), renderMarkdown(result));
  log(`done in ${result.elapsedS} s: bench/results/${stamp}.json and .md`);
  process.stdout.write(renderMarkdown(result));
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
