import { Partitioners, type Kafka, type Message } from "kafkajs";
import { KafkaProducer, kafkaMessageOf } from "../kafka/kafka-producer.js";
import type { OutboxRow } from "./outbox-relay.store.js";

/**
 * Sends outbox rows to Kafka with an idempotent producer: acks from all in-sync replicas, one request
 * in flight per broker, so a retried request can neither duplicate nor reorder messages of a partition
 * (hence of a key).
 */
export class KafkaPublisher {
  private readonly producer: KafkaProducer;

  constructor(
    kafka: Kafka,
    private readonly topicPrefix: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.producer = new KafkaProducer(kafka, {
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
      createPartitioner: Partitioners.DefaultPartitioner,
      // Few quick retries: the relay has its own backoff and the rows stay in MySQL meanwhile.
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
  }

  /** Sends rows (already in id order) per topic in one batch request; resolves once every partition acked. */
  async send(rows: OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const r of rows) {
      const topic = this.topicPrefix + r.topic;
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      list.push(kafkaMessageOf(r));
    }
    await this.producer.sendBatch({
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      acks: -1,
      timeout: this.timeoutMs,
    });
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}
