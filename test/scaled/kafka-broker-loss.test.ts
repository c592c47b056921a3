import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigResourceTypes } from "kafkajs";
import { SeatsHeldSchema } from "../../gen/concert/v1/events_pb.js";
import { outboxEvent } from "../../server/outbox/outbox-event.js";
import { createTopics } from "../../server/outbox/topic-spec.js";
import { waitFor } from "../../scripts/infra/kafka.mjs";
// @ts-expect-error plain ESM helper without types
import { startKafkaNode, stopKafkaNode } from "../../scripts/infra/kafka-cluster.mjs";
import { distinctIds, hasAll, outboxRows, readUntil } from "../events/support/kafka-reader.js";
import { relayHarness } from "../events/support/relay-harness.js";

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
    if (killed) await startKafkaNode(VICTIM); // restore the topology for whatever runs next
    await h?.close();
  });

  it("topics get replication factor 3 and min.insync.replicas 2; after the kill no event is lost and none is duplicated past event-id dedupe", async () => {
    const admin = h.kafka.admin();
    await admin.connect();
    try {
      await createTopics(admin, h.topics);
      const md = await admin.fetchTopicMetadata({ topics: h.topics });
      for (const t of md.topics) for (const p of t.partitions) expect(p.replicas.length).toBe(3);
      const cfg = await admin.describeConfigs({ includeSynonyms: false, resources: h.topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ["min.insync.replicas"] })) });
      for (const r of cfg.resources) expect(r.configEntries.find((e) => e.configName === "min.insync.replicas")?.configValue).toBe("2");
    } finally {
      await admin.disconnect();
    }

    const { relay } = h.relay({ batchSize: 10 });
    relay.start();
    const total = 300;
    let written = 0;
    const writer = (async () => {
      for (let i = 1; i <= total; i++) {
        const key = (i % 17) + 1;
        await h.db.transaction((tx) =>
          h.writer.append(tx, [outboxEvent("reservation-events", key, SeatsHeldSchema, { reservationId: BigInt(key), concertId: 1n, scheduleId: 1n, seatNumbers: [i] })]),
        );
        written = i;
        if (i % 20 === 0) await new Promise((r) => setTimeout(r, 20));
      }
    })();

    // Kill a broker once the relay is under way (some events sent, more still being written).
    await waitFor(async () => written >= 80, { timeoutMs: 60_000, what: "80 events written" });
    await stopKafkaNode(VICTIM, { signal: "SIGKILL" });
    killed = true;
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
    const msgs = await readUntil(h.config.kafkaBrokers, [h.topics[0]!], hasAll(rows.map((r) => r.eventId)), 120_000);
    expect(distinctIds(msgs)).toEqual(new Set(rows.map((r) => r.eventId)));
  });
});
