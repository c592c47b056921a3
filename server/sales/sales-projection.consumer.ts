import { createTopics } from "../outbox/topic-spec.js";
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from "kafkajs";
import { Counter, type Registry } from "prom-client";
import type { Worker } from "../app/module.js";
import { kafkaHeaderGetter } from "../kafka/kafka-producer.js";
import { context, extractContext, recordFailure, SpanKind, startSpan, trace, tracingOn, type Span } from "../tracing/tracing.js";
import type { Logger } from "../shared/logger.js";
import { salesDeltaOf } from "./sales-delta.js";
import type { ProjectedEvent, SequelizeSalesProjectionStore } from "./sales-projection.store.js";

export interface SalesConsumerOptions {
  /** Consumer group: one per deployment of the projection (tests use their own). */
  groupId: string;
  /** KAFKA_TOPIC_PREFIX: the projection reads `${prefix}reservation-events` and `${prefix}payment-events`. */
  topicPrefix: string;
  /** Events applied per MySQL transaction. */
  chunkSize?: number;
}

const TOPICS = ["reservation-events", "payment-events"] as const;

/**
 * The sales projection's Kafka consumer. Offsets are committed only after the MySQL transaction that
 * applied the events, and that transaction also records each event id, so every redelivery (a crash
 * before the offset commit, a relay resend) is absorbed. It keeps retrying while Kafka is down.
 */
export class SalesProjectionConsumer implements Worker {
  readonly name = "sales-projection";
  private running = false;
  private consumer: Consumer | undefined;
  private booting: Promise<void> | undefined;
  private cancelWait: (() => void) | undefined;
  private readonly events: Counter<"result">;

  constructor(
    private readonly kafka: Kafka,
    private readonly store: SequelizeSalesProjectionStore,
    private readonly logger: Logger,
    private readonly opts: SalesConsumerOptions,
    registry?: Registry,
  ) {
    this.events = new Counter({
      name: "sales_projection_events_total",
      help: "Events the sales projection consumed, by result (applied, duplicate, skipped: unreadable)",
      labelNames: ["result"] as const,
      registers: registry ? [registry] : [],
    });
  }

  /** Returns at once: joining the group (or waiting for Kafka) happens in the background. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.booting = this.boot();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.cancelWait?.();
    await this.booting;
    await this.disconnect();
  }

  private async boot(): Promise<void> {
    for (let attempt = 1; this.running; attempt++) {
      try {
        await this.connectAndRun();
        return;
      } catch (e) {
        await this.disconnect();
        if (attempt === 1 || attempt % 20 === 0) this.logger.warn({ err: errText(e), attempt }, "sales projection cannot reach Kafka; retrying");
        await this.wait(Math.min(5_000, 250 * 2 ** Math.min(attempt - 1, 5)));
      }
    }
  }

  private async connectAndRun(): Promise<void> {
    const topics = TOPICS.map((t) => this.opts.topicPrefix + t);
    const consumer = this.kafka.consumer({
      groupId: this.opts.groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      // Short fetch waits keep shutdown quick; a fetch still returns as soon as data arrives.
      maxWaitTimeInMs: 500,
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (ev) => {
      // kafkajs restarts by itself when it can; when it gives up, start over with a fresh consumer.
      if (ev.payload.restart || !this.running || this.consumer !== consumer) return;
      this.logger.warn({ err: errText(ev.payload.error) }, "sales projection consumer crashed; restarting");
      void this.disconnect().then(() => {
        if (this.running) this.booting = this.boot();
      });
    });
    await consumer.connect();
    await this.ensureTopics(topics);
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({ eachBatchAutoResolve: false, eachBatch: (p) => this.onBatch(p) });
  }

  /** The projection must see every partition from its first event; creating the topics up front avoids joining before they exist. */
  private async ensureTopics(topics: string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await createTopics(admin, topics);
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const size = this.opts.chunkSize ?? 200;
    for (let i = 0; i < batch.messages.length; i += size) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(i, i + size);
      const events = chunk.map((m) => this.decode(batch.topic, m)).filter((e): e is ProjectedEvent => e !== undefined);
      const fresh = tracingOn() ? await this.applyTraced(batch.topic, batch.partition, chunk, events) : await this.store.apply(events);
      this.events.inc({ result: "applied" }, fresh);
      this.events.inc({ result: "duplicate" }, events.length - fresh);
      for (const m of chunk) resolveOffset(m.offset);
      await heartbeat();
    }
  }

  /**
   * One CONSUMER span per message that carries a trace context (traceparent header from the producer
   * span), its child, so the trace of an RPC ends here. The chunk's MySQL transaction runs inside the
   * message's span when the chunk holds one traced message; a chunk of several traces has its
   * statements untraced (one transaction cannot be the child of several traces).
   */
  private async applyTraced(topic: string, partition: number, chunk: KafkaMessage[], events: ProjectedEvent[]): Promise<number> {
    const spans: Span[] = [];
    for (const m of chunk) {
      if (kafkaHeaderGetter.get(m.headers, "traceparent") === undefined) continue;
      const parent = extractContext(m.headers, kafkaHeaderGetter, context.active());
      const eventId = kafkaHeaderGetter.get(m.headers, "event-id");
      const span = startSpan(`process ${topic}`, SpanKind.CONSUMER, {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.operation.name": "process",
        "messaging.destination.name": topic,
        "messaging.destination.partition.id": String(partition),
        "messaging.consumer.group.name": this.opts.groupId,
        "messaging.kafka.offset": Number(m.offset),
        ...(eventId ? { "messaging.message.id": eventId } : {}),
      }, parent);
      if (span) spans.push(span);
    }
    const apply = () => this.store.apply(events);
    try {
      const fresh = spans.length === 1 ? await context.with(trace.setSpan(context.active(), spans[0]!), apply) : await apply();
      for (const s of spans) s.end();
      return fresh;
    } catch (e) {
      for (const s of spans) {
        recordFailure(s, e);
        s.end();
      }
      throw e;
    }
  }

  /** undefined for a message that cannot be read: it is logged and skipped rather than blocking its partition forever. */
  private decode(topic: string, m: KafkaMessage): ProjectedEvent | undefined {
    const eventId = header(m, "event-id");
    const eventType = header(m, "event-type");
    try {
      if (!eventId || !eventType) throw new Error("missing event-id or event-type header");
      return { eventId, eventType, delta: salesDeltaOf(eventType, m.value?.toString("utf8") ?? "") };
    } catch (e) {
      this.events.inc({ result: "skipped" });
      this.logger.error({ topic, offset: m.offset, eventId, eventType, err: errText(e) }, "sales projection skipped an unreadable event");
      return undefined;
    }
  }

  private async disconnect(): Promise<void> {
    const c = this.consumer;
    this.consumer = undefined;
    if (c) await c.disconnect().catch(() => {});
  }

  private wait(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(t);
        self.cancelWait = undefined;
        resolve();
      }
      this.cancelWait = done;
    });
  }
}

function header(m: KafkaMessage, name: string): string | undefined {
  const v = m.headers?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? undefined : first.toString();
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
