import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigResourceTypes } from "kafkajs";
import { SeatsHeldSchema } from "../../gen/concert/v1/events_pb.js";
import { outboxEvent } from "../../server/outbox/outbox-event.js";
import { createTopics } from "../../server/outbox/topic-spec.js";
import { waitFor } from "../../scripts/infra/kafka.mjs";
// @ts-expect-error plain ESM helper without types
import { startKafkaNode, stopKafkaNode } from "../../scripts/infra/kafka-cluster.mjs";
import { distinctIds, hasAll, outboxRows, readUntil } from "../support/kafka-reader.js";
import { relayHarness } from "../outbox/support/relay-harness.js";

type Harness = Awaited<ReturnType<typeof relayHarness>>;
const VICTIM = 2; // 127.0.0.1:29093

describe("Kafka: one of three brokers is killed while the outbox relay sends (scaled topology)", () => {
  let h: Harness;
  let killed = false;
  beforeAll(async () => {
    h = await relayHarness();
    expect(h.config.kafkaBrokers.length).toBe(3);
  });
  afterAll(async () => {
    // restore the topology for whatever runs next; the broker reloads every test topic's partitions
    // (hundreds after a few runs), which took over 90 s at load average 20
    if (killed) await startKafkaNode(VICTIM, { timeoutMs: 240_000 });
    await h?.close();
  });

  it("topics get replication factor 3 and min.insync.replicas 2; after the kill no event is lost and none is duplicated past event-id dedupe", async () => {
    const admin = h.kafka.admin();
    await admin.connect();
    try {
      // right after a broker restart (an earlier run) the metadata may still be settling: retry
      await waitFor(() => createTopics(admin, h.topics).then(() => true, () => false), { timeoutMs: 60_000, what: "the test topics created" });
      // a just-created topic reaches every broker's metadata cache a moment later
      const md = await waitFor(() => admin.fetchTopicMetadata({ topics: h.topics }).catch(() => undefined), { timeoutMs: 30_000, what: "topic metadata" });
      for (const t of md!.topics) for (const p of t.partitions) expect(p.replicas.length).toBe(3);
      const cfg = await waitFor(
        () => admin.describeConfigs({ includeSynonyms: false, resources: h.topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ["min.insync.replicas"] })) }).catch(() => undefined),
        { timeoutMs: 30_000, what: "topic configs" },
      );
      for (const r of cfg!.resources) expect(r.configEntries.find((e) => e.configName === "min.insync.replicas")?.configValue).toBe("2");
    } finally {
      await admin.disconnect();
    }

    // The kill must land while rows are demonstrably unsent, however fast the relay runs on this machine:
    // a backlog is written before the relay starts, the relay sends it in small batches, and the first
    // batch Kafka acks triggers the SIGKILL. The rest of the events are written during and after the kill.
    const total = 300;
    const backlog = 200;
    const append = (i: number) => {
      const key = (i % 17) + 1;
      return h.db.transaction((tx) =>
        h.writer.append(tx, [outboxEvent("reservation-events", key, SeatsHeldSchema, { reservationId: BigInt(key), concertId: 1n, scheduleId: 1n, seatNumbers: [i] })]),
      );
    };
    const count = async (sql: string) => Number((await h.db.query<{ n: number }>(sql, { type: "SELECT" as never }))[0]!.n);
    for (let i = 1; i <= backlog; i++) await append(i);
    const lastBacklogId = await count("SELECT MAX(id) AS n FROM outbox");

    let acked = 0;
    let firstAck: () => void = () => {};
    const acknowledged = new Promise<void>((resolve) => (firstAck = resolve));
    const { relay } = h.relay({
      batchSize: 5,
      onSent: (rows) => {
        acked += rows.length;
        firstAck();
      },
    });
    relay.start();
    const writer = (async () => {
      for (let i = backlog + 1; i <= total; i++) {
        await append(i);
        if (i % 10 === 0) await new Promise((r) => setTimeout(r, 100));
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      acknowledged,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("the relay's first batch was not acked within 60 s")), 60_000))),
    ]).finally(() => clearTimeout(timer));
    const sentBefore = acked;
    await stopKafkaNode(VICTIM, { signal: "SIGKILL" });
    killed = true;
    // sent_at is only ever set: a backlog row still unsent now was unsent when the broker died
    const backlogUnsent = await count(`SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL AND id <= ${lastBacklogId}`);
    console.info(`killed broker ${VICTIM} after the relay's first acked batch (${sentBefore} events acked); ${backlogUnsent} of the ${backlog} backlog rows unsent after the kill`);
    expect(backlogUnsent).toBeGreaterThan(0); // the kill landed while events were still to send
    await writer;

    // Every row ends up sent (the relay retries on the two survivors) ...
    await waitFor(
      async () => {
        const [row] = await h.db.query<{ unsent: number }>("SELECT COUNT(*) AS unsent FROM outbox WHERE sent_at IS NULL", { type: "SELECT" as never });
        return Number(row.unsent) === 0;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: "every outbox row sent after the broker loss" },
    );
    const rows = await outboxRows(h.db);
    expect(rows).toHaveLength(total);

    // ... and a consumer sees each of them; a retried batch may repeat an event, which the
    // event-id dedupe of every consumer (the projection's processed_events) absorbs.
    const admin2 = h.kafka.admin();
    await admin2.connect();
    const offsets = await admin2.fetchTopicOffsets(h.topics[0]!);
    await admin2.disconnect();
    const stored = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    console.info(`high watermarks ${JSON.stringify(offsets.map((o) => [o.partition, o.low, o.high]))}: ${stored} messages for ${total} events`);
    // Read everything the topic holds (repeats included), not just until each id was seen once.
    const all = hasAll(rows.map((r) => r.eventId));
    const msgs = await readUntil(h.config.kafkaBrokers, [h.topics[0]!], (m) => all(m) && m.length >= stored, 90_000);
    expect(distinctIds(msgs)).toEqual(new Set(rows.map((r) => r.eventId)));

    // A repeat comes only from a batch the relay had to send again (its rows' attempts > 1): the
    // idempotent producer's own retries inside one send never duplicate.
    const copies = new Map<string, number>();
    for (const m of msgs) copies.set(m.eventId, (copies.get(m.eventId) ?? 0) + 1);
    const retried = rows.filter((r) => r.attempts > 1);
    console.info(`${msgs.length} messages read; ${retried.length} rows needed more than one attempt`);
    expect(rows.filter((r) => r.attempts === 1 && copies.get(r.eventId)! > 1).map((r) => r.id)).toEqual([]);
  }, 300_000);
});
