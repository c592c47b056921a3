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
 * Creates the missing topics the SPEC way and resolves once every partition of them has a leader;
 * another process creating them at the same moment is fine. Resolves to the topics this call created.
 *
 * Not kafkajs' own `waitForLeaders`: on a multi-broker KRaft cluster it asks one broker for the new
 * topic's metadata right after the controller accepted it, and a broker that has not applied the
 * controller's record yet answers UNKNOWN_TOPIC_OR_PARTITION, which kafkajs does not retry (the scaled
 * suite's readers and consumers failed on it). Here that answer means "not yet" until `timeoutMs`.
 */
export async function createTopics(admin: Admin, topics: string[], { timeoutMs = 20_000 } = {}): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length === 0) return [];
  const { brokers } = await admin.describeCluster();
  try {
    await admin.createTopics({ waitForLeaders: false, topics: missing.map((t) => topicSpec(t, brokers.length)) });
  } catch (e) {
    // Someone else's create won (or ours was applied before an error): fine once the topics are there.
    if (!(await leadersElected(admin, missing, Math.min(timeoutMs, 5_000)))) throw e;
    return missing;
  }
  if (!(await leadersElected(admin, missing, timeoutMs))) {
    throw new Error(`topics ${missing.join(", ")} were created but have no leader for every partition after ${timeoutMs / 1000} s`);
  }
  return missing;
}

/** Polls the topics' metadata until every partition has a leader; false when timeoutMs passes first. */
export async function leadersElected(admin: Admin, topics: string[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (meta.length === topics.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return true;
    } catch {
      // UNKNOWN_TOPIC_OR_PARTITION / LEADER_NOT_AVAILABLE from a broker that has not caught up: ask again
    }
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}
