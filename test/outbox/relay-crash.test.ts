import { Registry } from "prom-client";
import { QueryTypes } from "sequelize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../scripts/infra/kafka.mjs";
import { SalesProjectionConsumer } from "../../server/sales/sales-projection.consumer.js";
import { SequelizeSalesProjectionStore } from "../../server/sales/sales-projection.store.js";
import { createLogger } from "../../server/shared/logger.js";
import { uniqueId } from "../support/env.js";
import { distinctIds, hasAll, outboxRows, readUntil } from "../support/kafka-reader.js";
import { relayHarness } from "./support/relay-harness.js";
import { RelayProcess } from "./support/relay-process.js";

describe("relay process killed in the middle of a batch (npm run relay)", () => {
  let h: Awaited<ReturnType<typeof relayHarness>>;
  let consumer: SalesProjectionConsumer;
  const children: RelayProcess[] = [];
  beforeAll(async () => {
    h = await relayHarness();
  });
  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) await c.kill("SIGKILL");
    await consumer?.stop();
    await h?.close();
  });

  it("loses nothing after SIGKILL between Kafka's ack and MySQL's commit; the consumer absorbs the resent batch; SIGTERM exits cleanly", async () => {
    const { concertId, scheduleIds } = await h.sim.createConcert(2);
    for (let i = 0; i < 30; i++) await h.sim.session(10 + i, concertId, scheduleIds[i % 2]!, (i * 0.37) % 1);
    const rows = await outboxRows(h.db);
    expect(rows.length).toBeGreaterThan(30);

    const store = new SequelizeSalesProjectionStore(h.db);
    const registry = new Registry();
    consumer = new SalesProjectionConsumer(h.kafka, store, createLogger("silent"), { groupId: uniqueId("sales"), topicPrefix: h.config.kafkaTopicPrefix }, registry);
    consumer.start();

    const env = { DATABASE_URL: h.config.databaseUrl, KAFKA_BROKERS: h.config.kafkaBrokers.join(","), KAFKA_TOPIC_PREFIX: h.config.kafkaTopicPrefix, OUTBOX_RELAY_BATCH_SIZE: "10" };
    const first = new RelayProcess(env, ["test/outbox/support/slow-relay-main.ts", "60000"]);
    children.push(first);
    const acked = await first.waitForLog("batch acked by kafka, not yet marked sent");
    const crashed = await first.kill("SIGKILL");
    expect(crashed.signal).toBe("SIGKILL");
    const batchIds = acked.eventIds as string[];
    expect(batchIds).toHaveLength(10);
    // Mid-batch for real: Kafka has the batch, MySQL still says unsent.
    await readUntil(h.config.kafkaBrokers, h.topics, hasAll(batchIds));
    const afterCrash = await outboxRows(h.db);
    expect(afterCrash.filter((r) => batchIds.includes(r.eventId)).every((r) => r.sentAt === null)).toBe(true);

    const second = new RelayProcess(env);
    children.push(second);
    await waitFor(async () => (await outboxRows(h.db)).every((r) => r.sentAt !== null), { timeoutMs: 60_000, what: "the restarted relay to send everything" });
    const stopped = await second.kill("SIGTERM");
    expect(stopped).toEqual({ code: 0, signal: null });
    expect(second.lines.some((l) => l.msg === "outbox relay stopped")).toBe(true);

    const msgs = await readUntil(h.config.kafkaBrokers, h.topics, hasAll(rows.map((r) => r.eventId)));
    expect(distinctIds(msgs)).toEqual(new Set(rows.map((r) => r.eventId)));
    const resent = msgs.filter((m) => batchIds.includes(m.eventId));
    expect(resent.length).toBe(20); // the killed batch went out twice

    // Only once the consumer has met the resent copies does "equal to the truth" prove they were absorbed.
    const duplicates = async () => (await registry.getSingleMetric("sales_projection_events_total")!.get()).values.find((v) => v.labels.result === "duplicate")?.value ?? 0;
    await waitFor(async () => (await duplicates()) >= 10, { timeoutMs: 60_000, what: "the consumer to receive the resent batch" });
    // Every event id recorded means every count has been applied (each event's update commits with its id).
    const processed = async () => Number((await h.db.query<{ n: number }>("SELECT COUNT(*) AS n FROM processed_events", { type: QueryTypes.SELECT }))[0]!.n);
    await waitFor(async () => (await processed()) >= rows.length, { timeoutMs: 60_000, what: "every event id to be recorded" });
    const truth = await h.sim.truth(concertId);
    expect(await store.salesOf(concertId)).toEqual({ schedules: [...truth.schedules].map(([scheduleId, s]) => ({ scheduleId, ...s })), held: truth.held, sold: truth.sold, revenue: truth.revenue });
    expect(await processed()).toBe(rows.length);
  }, 180_000);
});
