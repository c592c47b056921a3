import { Partitioners, type Kafka, type Message, type Producer } from "kafkajs";
import type { OutboxRow } from "./outbox-relay.store.js";

/**
 * Sends outbox rows to Kafka with an idempotent producer: acks from all in-sync replicas, one request
 * in flight per broker, so a retried request can neither duplicate nor reorder messages of a partition
 * (hence of a key). After a failure the producer is dropped and a fresh one connects on the next send:
 * a producer that lost its broker does not always recover by itself.
 */
export class KafkaPublisher {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topicPrefix: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Sends rows (already in id order) per topic in one batch request; resolves once every partition acked. */
  async send(rows: OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const r of rows) {
      const topic = this.topicPrefix + r.topic;
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      list.push({
        key: r.key,
        value: r.payload,
        headers: { "event-id": r.eventId, "event-type": r.type, "content-type": "application/json" },
      });
    }
    const producer = await this.connected();
    try {
      await producer.sendBatch({
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        acks: -1,
        timeout: this.timeoutMs,
      });
    } catch (e) {
      await this.reset();
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.reset();
  }

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.connecting ??= (async () => {
      const p = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: true,
        createPartitioner: Partitioners.DefaultPartitioner,
        // Few quick retries: the relay has its own backoff and the rows stay in MySQL meanwhile.
        retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
      });
      try {
        await p.connect();
      } catch (e) {
        await p.disconnect().catch(() => {});
        throw e;
      }
      this.producer = p;
      return p;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async reset(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    if (p) await p.disconnect().catch(() => {});
  }
}
