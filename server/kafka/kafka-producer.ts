import type { Kafka, Message, Producer, ProducerBatch, ProducerConfig } from "kafkajs";

/** An event as both publishers send it: key, JSON value, and the SPEC headers consumers dedupe and route by. */
export interface KafkaEvent {
  eventId: string;
  type: string;
  key: string;
  payload: string;
}

/** The one mapping of an event to a Kafka message (headers: event-id, event-type, content-type). */
export const kafkaMessageOf = (e: KafkaEvent): Message => ({
  key: e.key,
  value: e.payload,
  headers: { "event-id": e.eventId, "event-type": e.type, "content-type": "application/json" },
});

/**
 * The one kafkajs producer adapter (outbox relay and queue-events share it): connects lazily, once, even
 * when sends race; after a failed send the producer is dropped and a fresh one connects on the next send,
 * since a producer that lost its broker does not always recover by itself.
 */
export class KafkaProducer {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: ProducerConfig,
    /** Runs before each connect (e.g. creating a test topic so the first batch finds its leader). */
    private readonly beforeConnect: () => Promise<void> = async () => {},
  ) {}

  async sendBatch(batch: ProducerBatch): Promise<void> {
    const producer = await this.connected();
    try {
      await producer.sendBatch(batch);
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  /** Disconnects; a later send connects again. */
  async close(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    if (p) await p.disconnect().catch(() => {});
  }

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.connecting ??= (async () => {
      await this.beforeConnect();
      const p = this.kafka.producer(this.config);
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
}
