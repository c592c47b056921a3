import { Partitioners, type Kafka, type Message } from "kafkajs";
import { KafkaProducer, kafkaMessageOf } from "../kafka/kafka-producer.js";
import type { OutboxRow } from "./outbox-relay.store.js";
import { createTopics } from "./topic-spec.js";

/** The topics the outbox writes (SPEC section 4); queue-events has its own publisher. */
const OUTBOX_TOPICS = ["reservation-events", "payment-events"] as const;

/**
 * Sends outbox rows to Kafka with an idempotent producer: acks from all in-sync replicas, one request
 * in flight per broker, so a retried request can neither duplicate nor reorder messages of a partition
 * (hence of a key).
 */
export class KafkaPublisher {
  private readonly producer: KafkaProducer;

  constructor(
    private readonly kafka: Kafka,
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
    }, () => this.ensureTopics());
  }

  /**
   * The deployment creates the SPEC topics; a prefixed one (tests, a second environment on one cluster)
   * would otherwise be auto-created by the first batch, which on a three-broker cluster can fail while
   * the new partitions elect leaders, and get the broker's defaults rather than SPEC 7.4's replication.
   * A failure here is left to the send (auto-creation, then the relay's retry).
   */
  private async ensureTopics(): Promise<void> {
    // few retries: with Kafka away the send fails anyway, and the relay backs off on its own
    const admin = this.kafka.admin({ retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 1_000 } });
    try {
      await admin.connect();
      await createTopics(admin, OUTBOX_TOPICS.map((t) => this.topicPrefix + t));
    } catch {
      // the send reports what is wrong
    } finally {
      await admin.disconnect().catch(() => {});
    }
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
