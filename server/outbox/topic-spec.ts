import type { Admin, ITopicConfig } from "kafkajs";

/** The partition count of the SPEC topics (scripts/infra, the projection, the CLI). */
export const TOPIC_PARTITIONS = 3;

/**
 * SPEC 7.4: replication factor min(3, brokers), min.insync.replicas min(2, brokers). With acks=all
 * (every producer here) a write then survives the loss of one broker on a three-broker cluster, and
 * a single broker (local, CI) still works.
 */
export function topicSpec(topic: string, brokers: number): ITopicConfig {
  const n = Math.max(1, brokers);
  return {
    topic,
    numPartitions: TOPIC_PARTITIONS,
    replicationFactor: Math.min(3, n),
    configEntries: [{ name: "min.insync.replicas", value: String(Math.min(2, n)) }],
  };
}

/**
 * Creates the missing topics the SPEC way; another process creating them at the same moment is fine.
 * Resolves to the topics this call created.
 */
export async function createTopics(admin: Admin, topics: string[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length === 0) return [];
  const { brokers } = await admin.describeCluster();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: missing.map((t) => topicSpec(t, brokers.length)) });
  } catch (e) {
    const now = new Set(await admin.listTopics());
    if (!missing.every((t) => now.has(t))) throw e;
  }
  return missing;
}
