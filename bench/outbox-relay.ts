/**
 * Outbox relay measurements, in one run (npx tsx bench/outbox-relay.ts):
 *   1. commit-to-Kafka latency (p50/p99) at a steady write rate: from the writer's COMMIT returning to a
 *      consumer receiving the message, with the relay woken on commit (as inside the server) and with
 *      polling only (as `npm run relay` in its own process);
 *   2. relay throughput draining a backlog, batched (500 rows a round) against one row a round.
 * Needs MySQL and Kafka (npm run infra:up). Uses a throwaway database and topic prefix.
 * Env: BENCH_RATE (events/s, default 200), BENCH_SECONDS (per latency phase, default 10),
 *      BENCH_BACKLOG (rows for the batched drain, default 5000), BENCH_BACKLOG_SINGLE (default 1000).
 */
import os from "node:os";
import { randomBytes } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { SeatsHeldSchema } from "../gen/concert/v1/events_pb.js";
import { createSequelize, dropDatabase, ensureDatabase } from "../server/db/sequelize.js";
import { migrateUp } from "../server/db/migrator.js";
import { Metrics } from "../server/ops/metrics.js";
import { outboxEvent } from "../server/outbox/outbox-event.js";
import { SequelizeOutboxWriter } from "../server/outbox/outbox-writer.js";
import { loadConfig } from "../server/config/config.js";
import { createRelay } from "../server/outbox/relay.factory.js";
import { createLogger } from "../server/shared/logger.js";
import type { OutboxRelay } from "../server/outbox/outbox-relay.js";

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 5000);
const BACKLOG_SINGLE = Number(process.env.BENCH_BACKLOG_SINGLE ?? 1000);

const id = `bench_${randomBytes(4).toString("hex")}`;
const mysqlRoot = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
const base = loadConfig({ APP_ENV: "local", LOG_LEVEL: "silent" });
const config = { ...base, databaseUrl: `${mysqlRoot}/concert_${id}`, kafkaTopicPrefix: `${id}.` };
const topic = `${config.kafkaTopicPrefix}reservation-events`;
const logger = createLogger("silent");

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const event = (key: number) => outboxEvent("reservation-events", key, SeatsHeldSchema, { reservationId: BigInt(key), concertId: 1n, scheduleId: 1n, seatNumbers: [1, 2] });

await ensureDatabase(config.databaseUrl);
const db = createSequelize(config.databaseUrl);
await migrateUp(db);
const kafka = new Kafka({ clientId: "bench", brokers: config.kafkaBrokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
await admin.disconnect();

// One consumer for the whole run records when each event id arrives.
const arrived = new Map<string, number>();
const consumer = kafka.consumer({ groupId: `${id}-reader`, maxWaitTimeInMs: 50 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
let joined = false;
consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
await consumer.run({
  eachMessage: async ({ message }) => {
    arrived.set(message.headers!["event-id"]!.toString(), performance.now());
  },
});
while (!joined) await sleep(50);

function newRelay(opts: Parameters<typeof createRelay>[1]): OutboxRelay {
  return createRelay({ db, kafka, config, logger, metrics: new Metrics() }, opts).relay;
}

/** Steady load: RATE one-event transactions a second for SECONDS; returns latencies in ms. */
async function latencyPhase(wakeOnCommit: boolean): Promise<{ p50: number; p99: number; n: number }> {
  const relay = newRelay({ batchSize: 500 });
  const writer = new SequelizeOutboxWriter(db, wakeOnCommit ? () => relay.wake() : undefined);
  relay.start();
  const committed = new Map<string, number>();
  const total = RATE * SECONDS;
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const e = event(i % 50);
    inflight.push(
      db.transaction((tx) => writer.append(tx, [e])).then(() => {
        committed.set(e.eventId, performance.now());
      }),
    );
  }
  await Promise.all(inflight);
  const deadline = Date.now() + 30_000;
  while ([...committed.keys()].some((k) => !arrived.has(k)) && Date.now() < deadline) await sleep(50);
  await relay.stop();
  const lat = [...committed].filter(([k]) => arrived.has(k)).map(([k, t]) => arrived.get(k)! - t);
  return { p50: pct(lat, 50), p99: pct(lat, 99), n: lat.length };
}

/** Fills the outbox with n rows (relay stopped), then times relay rounds until it is empty. */
async function drainPhase(n: number, batchSize: number): Promise<{ perSecond: number; seconds: number }> {
  const writer = new SequelizeOutboxWriter(db);
  for (let i = 0; i < n; i += 500) {
    const chunk = Array.from({ length: Math.min(500, n - i) }, (_, j) => event((i + j) % 50));
    await db.transaction((tx) => writer.append(tx, chunk));
  }
  const relay = newRelay({ batchSize });
  const t0 = performance.now();
  let sent = 0;
  for (;;) {
    const r = await relay.relayOnce();
    if (r.sent === 0) break;
    sent += r.sent;
  }
  const seconds = (performance.now() - t0) / 1000;
  await relay.stop();
  if (sent !== n) throw new Error(`drained ${sent} of ${n}`);
  return { perSecond: n / seconds, seconds };
}

try {
  const woken = await latencyPhase(true);
  const polled = await latencyPhase(false);
  const batched = await drainPhase(BACKLOG, 500);
  const single = await drainPhase(BACKLOG_SINGLE, 1);
  const cpu = os.cpus()[0]?.model ?? "unknown cpu";
  const fmt = (x: number) => x.toFixed(1);
  console.log(`machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; MariaDB + Kafka (1 broker, KRaft) on the same host`);
  console.log(`steady load: ${RATE} events/s for ${SECONDS} s, one event per transaction`);
  console.log(`commit-to-Kafka latency, relay woken on commit: p50 ${fmt(woken.p50)} ms, p99 ${fmt(woken.p99)} ms (n=${woken.n})`);
  console.log(`commit-to-Kafka latency, relay polling every 200 ms: p50 ${fmt(polled.p50)} ms, p99 ${fmt(polled.p99)} ms (n=${polled.n})`);
  console.log(`throughput batched (500/round): ${Math.round(batched.perSecond)} events/s (${BACKLOG} in ${batched.seconds.toFixed(2)} s)`);
  console.log(`throughput one at a time: ${Math.round(single.perSecond)} events/s (${BACKLOG_SINGLE} in ${single.seconds.toFixed(2)} s)`);
  console.log(`batched / one-at-a-time: ${(batched.perSecond / single.perSecond).toFixed(1)}x`);
} finally {
  await consumer.disconnect();
  await db.close();
  await dropDatabase(config.databaseUrl);
  const a = kafka.admin();
  await a.connect();
  await a.deleteTopics({ topics: [topic] }).catch(() => {});
  await a.disconnect();
}
