import { ConfigResourceTypes, Kafka, logLevel } from "kafkajs";
import { topicSpec } from "../../../server/outbox/topic-spec.js";

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
      waitForLeaders: true,
      topics: [{ ...spec, configEntries: [...(spec.configEntries ?? []), { name: "max.message.bytes", value: String(maxBytes) }] }],
    });
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
      } finally {
        await a.disconnect();
      }
    },
  };
}

/** Seat numbers that make a SeatsHeld event's JSON several KB: larger than a small topic takes. */
export const manySeats = (n = 2000) => Array.from({ length: n }, (_, i) => i + 1);
