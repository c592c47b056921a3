import type { Kafka } from "kafkajs";
import { KafkaProducer, kafkaMessageOf, type KafkaEvent } from "../kafka/kafka-producer.js";
import { activeTraceHeaders, tracingOn } from "../tracing/tracing.js";
import { createTopics } from "../outbox/topic-spec.js";
import type { Logger } from "../shared/logger.js";
import type { OutboxEvent } from "../outbox/outbox-event.js";
import type { QueueEventSink } from "./queue-events.js";

export interface KafkaQueueEventOptions {
  topicPrefix: string;
  /** How long events gather before one batch is sent. */
  lingerMs?: number;
  /** Events kept while Kafka is unreachable; older ones are dropped first (queue events skip the outbox). */
  maxBuffered?: number;
}

/**
 * Batched kafkajs producer for queue-events. Queue events are analytics, not money: they may be
 * lost while Kafka is down (SPEC lets them skip the outbox), but they must never slow an RPC.
 */
export class KafkaQueueEventPublisher implements QueueEventSink {
  private buffer: KafkaEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly producer: KafkaProducer;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly lingerMs: number;
  private readonly maxBuffered: number;

  constructor(private readonly kafka: Kafka, private readonly logger: Logger, private readonly opts: KafkaQueueEventOptions) {
    this.lingerMs = opts.lingerMs ?? 100;
    this.maxBuffered = opts.maxBuffered ?? 10_000;
    this.producer = new KafkaProducer(kafka, { allowAutoTopicCreation: true }, () => this.ensureTopic());
  }

  publish(events: OutboxEvent[]): void {
    if (this.closed || events.length === 0) return;
    // Traced, each event keeps the trace of the call that caused it (a batch mixes several calls).
    const trace = tracingOn() ? activeTraceHeaders() : undefined;
    if (trace) this.buffer.push(...events.map((e) => ({ ...e, trace })));
    else this.buffer.push(...events);
    if (this.buffer.length > this.maxBuffered) this.buffer.splice(0, this.buffer.length - this.maxBuffered);
    if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.lingerMs);
  }

  private get topic() {
    return `${this.opts.topicPrefix}queue-events`;
  }

  /**
   * The deployment creates the SPEC topics; a prefixed (test) topic would otherwise be auto-created
   * by the first send, whose batch can fail while the new partition has no leader yet.
   */
  private async ensureTopic(): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await createTopics(admin, [this.topic]);
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, "queue-events topic not created here");
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  /** Sends what is buffered; batches go one after another so per-key order is kept. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(async () => {
      const batch = this.buffer.splice(0, this.buffer.length);
      if (batch.length === 0) return;
      try {
        // acks -1: all in-sync replicas (SPEC 7.4).
        await this.producer.sendBatch({ acks: -1, topicMessages: [{ topic: this.topic, messages: batch.map(kafkaMessageOf) }] });
      } catch (err) {
        // Keep the batch for a later try (bounded: the oldest go first when Kafka stays away).
        this.logger.warn({ err: (err as Error).message, pending: batch.length }, "queue-events not sent yet; retrying");
        if (!this.closed) {
          this.buffer.unshift(...batch);
          if (this.buffer.length > this.maxBuffered) this.buffer.splice(0, this.buffer.length - this.maxBuffered);
          this.timer ??= setTimeout(() => void this.flush(), 1_000);
        }
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.race([this.flush(), new Promise((r) => setTimeout(r, 5_000).unref())]);
    await this.producer.close();
  }
}
