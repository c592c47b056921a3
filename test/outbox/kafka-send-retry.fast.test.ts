import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

// The kafkajs send path the outbox relay and queue-events use, with a fake two-broker cluster whose
// partition leadership moves while a batch is being sent (what SIGKILL of a broker does). The brokers
// keep one shared log per partition and deduplicate by producer sequence number, as Kafka does for an
// idempotent producer, so what ends up in the log is exactly what a consumer would read.
// patches/kafkajs+2.2.4.patch is the mechanism; the unpatched upstream function is the negative control.

const require = createRequire(import.meta.url);
type SendMessages = (opts: Record<string, unknown>) => (req: Record<string, unknown>) => Promise<unknown[]>;
const patched = require("kafkajs/src/producer/sendMessages.js") as SendMessages;
const upstream = require("../support/kafkajs-upstream-send-messages.cjs") as SendMessages;
const createRetry = require("kafkajs/src/retry") as (o: Record<string, number>) => unknown;
const { createErrorFromCode } = require("kafkajs/src/protocol/error") as { createErrorFromCode: (code: number) => Error };
const Cluster = require("kafkajs/src/cluster") as { prototype: { findLeaderForPartitions(this: unknown, topic: string, partitions: string[]): Record<string, number[]> } };
const { Partitioners } = require("kafkajs") as typeof import("kafkajs");

const NOT_LEADER_OR_FOLLOWER = 6;
const TOPIC = "t";

interface Batch {
  partition: number;
  firstSequence: number;
  messages: Array<{ value: string }>;
}

/**
 * Partition 0 led by broker 1, partition 1 by broker 2. Broker 2 answers the first request with
 * NOT_LEADER_OR_FOLLOWER, and at that moment leadership becomes `after` (partition -> broker).
 */
function fakeCluster(after: Record<number, number>) {
  const leaders: Record<number, number> = { 0: 1, 1: 2 };
  const logs = new Map<number, string[]>([[0, []], [1, []]]);
  const nextSequence = new Map<number, number>([[0, 0], [1, 0]]);
  const batchesSeen = new Map<string, number>(); // `${partition}:${firstSequence}` -> offset
  let broker2Failed = false;
  const broker = (nodeId: number) => ({
    nodeId,
    async produce({ topicData }: { topicData: Array<{ topic: string; partitions: Batch[] }> }) {
      if (nodeId === 2 && !broker2Failed) {
        broker2Failed = true;
        Object.assign(leaders, after);
        throw createErrorFromCode(NOT_LEADER_OR_FOLLOWER);
      }
      const partitions = [];
      for (const { partition, firstSequence, messages } of topicData[0]!.partitions) {
        if (leaders[partition] !== nodeId) throw createErrorFromCode(NOT_LEADER_OR_FOLLOWER);
        const log = logs.get(partition)!;
        const seen = batchesSeen.get(`${partition}:${firstSequence}`);
        let baseOffset: number;
        if (seen !== undefined) baseOffset = seen; // a retried batch: acknowledged again, written once
        else if (firstSequence !== nextSequence.get(partition)) throw new Error(`OUT_OF_ORDER_SEQUENCE_NUMBER on partition ${partition}`);
        else {
          baseOffset = log.length;
          batchesSeen.set(`${partition}:${firstSequence}`, baseOffset);
          nextSequence.set(partition, firstSequence + messages.length);
          log.push(...messages.map((m) => m.value));
        }
        partitions.push({ partition, errorCode: 0, baseOffset: String(baseOffset), logAppendTime: "-1", logStartOffset: "0" });
      }
      return { topics: [{ topicName: TOPIC, partitions }] };
    },
  });
  const brokers: Record<string, ReturnType<typeof broker>> = { 1: broker(1), 2: broker(2) };
  const cluster = {
    targetTopics: new Set([TOPIC]),
    async refreshMetadataIfNecessary() {},
    async refreshMetadata() {},
    async addMultipleTargetTopics() {},
    async connect() {},
    isConnected: () => true,
    removeBroker() {},
    findTopicPartitionMetadata: () => [0, 1].map((partitionId) => ({ partitionId, leader: leaders[partitionId] })),
    findLeaderForPartitions(topic: string, partitions: string[]) {
      return Cluster.prototype.findLeaderForPartitions.call(this, topic, partitions);
    },
    async findBroker({ nodeId }: { nodeId: string | number }) {
      return brokers[String(nodeId)]!;
    },
  };
  const sequences = new Map<string, number>();
  const eosManager = {
    acquireBrokerLock: async () => {},
    releaseBrokerLock: async () => {},
    isTransactional: () => false,
    getProducerId: () => 1,
    getProducerEpoch: () => 0,
    getSequence: (topic: string, p: number) => sequences.get(`${topic}:${p}`) ?? 0,
    updateSequence: (topic: string, p: number, inc: number) => sequences.set(`${topic}:${p}`, (sequences.get(`${topic}:${p}`) ?? 0) + inc),
  };
  return { cluster, eosManager, logs };
}

async function sendAcrossLeaderChange(sendMessages: SendMessages, after: Record<number, number>) {
  const { cluster, eosManager, logs } = fakeCluster(after);
  const logger = { debug() {}, info() {}, warn() {}, error() {} };
  const send = sendMessages({
    logger,
    cluster,
    eosManager,
    partitioner: Partitioners.DefaultPartitioner(),
    retrier: createRetry({ retries: 3, initialRetryTime: 5, maxRetryTime: 20 }),
  });
  const messages = ["a0", "b0", "c0"].map((value) => ({ value, partition: 0 })).concat(["a1", "b1", "c1"].map((value) => ({ value, partition: 1 })));
  await send({ acks: -1, timeout: 1_000, topicMessages: [{ topic: TOPIC, messages }] });
  return { 0: logs.get(0)!, 1: logs.get(1)! };
}

describe("kafkajs send across a partition leader change (patches/kafkajs+2.2.4.patch)", () => {
  it("a partition that moved to a broker which had already answered is still written, once", async () => {
    const written = await sendAcrossLeaderChange(patched, { 1: 1 });
    expect(written).toEqual({ 0: ["a0", "b0", "c0"], 1: ["a1", "b1", "c1"] });
  });

  it("a partition acknowledged by its old leader is not written again by its new one", async () => {
    const written = await sendAcrossLeaderChange(patched, { 0: 2, 1: 1 });
    expect(written).toEqual({ 0: ["a0", "b0", "c0"], 1: ["a1", "b1", "c1"] });
  });

  it("negative control: upstream kafkajs resolves the send having lost the moved partition, and repeats the other", async () => {
    expect(await sendAcrossLeaderChange(upstream, { 1: 1 })).toEqual({ 0: ["a0", "b0", "c0"], 1: [] });
    expect(await sendAcrossLeaderChange(upstream, { 0: 2, 1: 1 })).toEqual({ 0: ["a0", "b0", "c0", "a0", "b0", "c0"], 1: [] });
  });
});
