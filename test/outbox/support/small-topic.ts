import { ConfigResourceTypes, Kafka, logLevel } from "kafkajs";
import { leadersElected, topicSpec } from "../../../server/outbox/topic-spec.js";

/**
 * A topic the producer cannot write a large event to: created (SPEC partitions and replication) with
 * max.message.bytes = `maxBytes`, so the broker refuses any record batch above it with MESSAGE_TOO_LARGE,
 * a refusal of the event itself, while small events on it and other topics go through. setMaxBytes()
 * lifts the limit (the operator fixing the cause) so a replay can succeed.
 */
export async function smallTopic(brokers: string[], topic: string, maxBytes: number) {
  const kafka = new Kafka({ clientId: "test-small-topic", brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { brokers: nodes } = await admin.describeCluster();
    const spec = topicSpec(topic, nodes.length);
    await admin.createTopics({
      waitForLeaders: false,
      topics: [{ ...spec, configEntries: [...(spec.configEntries ?? []), { name: "max.message.bytes", value: String(maxBytes) }] }],
    });
    // Not kafkajs' waitForLeaders: on three brokers it gives up on one that has not applied the new topic yet
    // (see createTopics in topic-spec.ts).
    if (!(await leadersElected(admin, [topic], 20_000))) throw new Error(`topic ${topic} has no leader for every partition after 20 s`);
  } finally {
    await admin.disconnect();
  }
  return {
    async setMaxBytes(bytes: number) {
      const a = kafka.admin();
      await a.connect();
      try {
        await a.alterConfigs({
          validateOnly: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: "max.message.bytes", value: String(bytes) }] }],
        });
        // The change reaches each broker asynchronously. On one broker it is in force once described; on three,
        // the partition leaders apply it a moment later (the scaled suite saw a 9 KB event accepted right after
        // the limit went back to 4 KB), so allow them a short settle.
        const deadline = Date.now() + 20_000;
        for (;;) {
          const { resources } = await a.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ["max.message.bytes"] }] });
          if (resources[0]?.configEntries.find((c) => c.configName === "max.message.bytes")?.configValue === String(bytes)) break;
          if (Date.now() >= deadline) throw new Error(`max.message.bytes of ${topic} is not ${bytes} after 20 s`);
          await new Promise((r) => setTimeout(r, 100));
        }
        if ((await a.describeCluster()).brokers.length > 1) await new Promise((r) => setTimeout(r, 2_000));
      } finally {
        await a.disconnect();
      }
    },
  };
}

/** Seat numbers that make a SeatsHeld event's JSON several KB: larger than a small topic takes. */
export const manySeats = (n = 2000) => Array.from({ length: n }, (_, i) => i + 1);
