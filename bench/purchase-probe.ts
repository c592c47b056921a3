/**
 * node --import tsx bench/purchase-probe.ts [--purchases 1500] [--warmup 200] [--storm 0] [--workers 1] [--prof <dir>]
 * The purchase path alone (issue 16), for profiling and before/after comparisons: a fresh database,
 * the server as a child process (BENCH_SERVER_NODE_ARGS / --prof add --cpu-prof), hold-then-pay over
 * gRPC with the bench's generator, the server's CPU ms per purchase and MySQL's commit/fsync deltas,
 * and optionally the seat storm. Uses the shared services; cleans up its database, keys and topics.
 */
import os from "node:os";
import { randomBytes } from "node:crypto";
import { createSequelize } from "../server/db/sequelize.js";
import { adminClient, concertWithSeats, issueTokens, jwts, range, usersWithBalance } from "./lib/fixtures.js";
import { startCostProbe } from "./lib/purchase-metrics.js";
import { seatStormRun } from "./lib/seat-storm.js";
import { createTopics, deleteTopics, dropDatabase, freshDatabase, log, runGenerator, startServer, unlinkPrefix } from "./lib/stack.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : dflt;
};
const purchases = Number(opt("purchases", "1500"));
const warmup = Number(opt("warmup", "200"));
const stormClients = Number(opt("storm", "0"));
const workers = Number(opt("workers", "1"));
const prof = opt("prof", "");
if (prof) process.env.BENCH_SERVER_NODE_ARGS = `--cpu-prof --cpu-prof-dir=${prof}`;

const runId = randomBytes(3).toString("hex");
const dbUrl = await freshDatabase(`concert_probe_${runId}`);
const prefix = `probe:${runId}:`;
const topicPrefix = `probe_${runId}.`;
await createTopics(topicPrefix);
const server = await startServer({ DATABASE_URL: dbUrl, REDIS_KEY_PREFIX: prefix, KAFKA_TOPIC_PREFIX: topicPrefix, QUEUE_MAX_ACTIVE: "100000" }, workers);
const db = createSequelize(dbUrl, [], 3);
const out: Record<string, unknown> = { runId, workers, load1AtStart: +os.loadavg()[0].toFixed(2) };
try {
  const admin = await adminClient(server.url);
  const e = await concertWithSeats(admin, "probe purchase", warmup + purchases, 100_000);
  const ids = range(60_000_001, warmup + purchases);
  await usersWithBalance(db, ids, 1_000_000);
  const tokens = await jwts(ids);
  const tickets = await issueTokens(server.url, e.concertId, ids, tokens);
  const users = ids.map((_, i) => ({ metadata: { authorization: `Bearer ${tokens[i]}`, "x-queue-token": tickets[i]!.token }, seat: i + 1 }));
  const job = (u: typeof users) => ({ mode: "purchase", address: server.address, scheduleId: e.scheduleId, concurrency: 32, channels: 4, users: u });
  if (warmup > 0) await runGenerator("grpc", job(users.slice(0, warmup)));
  const probe = await startCostProbe(server.pid!, db);
  // CLOCK_MONOTONIC in µs, the clock of .cpuprofile timestamps: lets a profile be cut to this window.
  const windowUs = [Number(process.hrtime.bigint() / 1000n)];
  const res = await runGenerator("grpc", job(users.slice(warmup)));
  windowUs.push(Number(process.hrtime.bigint() / 1000n));
  const cost = await probe.finish(res.completed);
  out.profileWindowUs = windowUs;
  out.holdThenPay = { purchasesPerSecond: res.purchasesPerSecond, completed: res.completed, attempted: res.attempted, errors: res.errors,
    holdLatencyMs: res.holdLatencyMs, payLatencyMs: res.payLatencyMs, ...cost };
  log(`hold-then-pay: ${res.completed} at ${res.purchasesPerSecond}/s, server CPU ${cost.serverCpuMsPerPurchase} ms/purchase, errors ${JSON.stringify(res.errors)}`);
  if (stormClients > 0) out.storm = await seatStormRun(server, admin, db, 70_000_001, stormClients);
} finally {
  await db.close();
  await server.stop();
  await dropDatabase(dbUrl).catch(() => {});
  await unlinkPrefix(prefix).catch(() => {});
  await deleteTopics(topicPrefix).catch(() => {});
}
out.load1AtEnd = +os.loadavg()[0].toFixed(2);
process.stdout.write(JSON.stringify(out, null, 2) + "\n");
process.exit(0);
