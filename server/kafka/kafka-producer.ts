import type { Kafka, Message, Producer, ProducerBatch, ProducerConfig } from "kafkajs";
import { ROOT_CONTEXT, type TextMapGetter, type TextMapSetter } from "@opentelemetry/api";
import {
  extractContext,
  injectContext,
  recordFailure,
  SpanKind,
  startSpan,
  trace,
  tracingOn,
  type Span,
  type TraceHeaders,
} from "../tracing/tracing.js";

/** An event as both publishers send it: key, JSON value, and the SPEC headers consumers dedupe and route by. */
export interface KafkaEvent {
  eventId: string;
  type: string;
  key: string;
  payload: string;
  /** W3C trace context of the change that wrote the event (stored with the outbox row); sent as headers. */
  trace?: TraceHeaders;
}

/**
 * The one mapping of an event to a Kafka message (headers: event-id, event-type, content-type, and
 * traceparent/tracestate when the event carries a trace context).
 */
export const kafkaMessageOf = (e: KafkaEvent): Message => {
  const headers: Record<string, string> = { "event-id": e.eventId, "event-type": e.type, "content-type": "application/json" };
  if (e.trace?.traceparent) {
    headers.traceparent = e.trace.traceparent;
    if (e.trace.tracestate) headers.tracestate = e.trace.tracestate;
  }
  return { key: e.key, value: e.payload, headers };
};

type Headers = NonNullable<Message["headers"]>;

/** Reads W3C trace context from Kafka headers (values arrive as Buffers on the consumer side). */
export const kafkaHeaderGetter: TextMapGetter<Headers | undefined> = {
  get: (h, key) => {
    const v = h?.[key];
    const first = Array.isArray(v) ? v[0] : v;
    return first === undefined ? undefined : first.toString();
  },
  keys: (h) => Object.keys(h ?? {}),
};

const headerSetter: TextMapSetter<Headers> = {
  set: (h, key, value) => {
    h[key] = value;
  },
};

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
    const spans = tracingOn() ? startProducerSpans(batch) : undefined;
    const producer = await this.connected().catch((e) => {
      endProducerSpans(spans, e);
      throw e;
    });
    try {
      await producer.sendBatch(batch);
    } catch (e) {
      endProducerSpans(spans, e);
      await this.close();
      throw e;
    }
    endProducerSpans(spans, undefined);
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

/**
 * One PRODUCER span per message that carries a trace context (KafkaEvent.trace: an outbox row's, stored
 * by the transaction that made the change, or the queue-events call's). A batch mixes events of many
 * calls, so the parent is always the message's own context, never whatever context the send runs in.
 * The message's traceparent is then replaced by the producer span's, so the consumer becomes its child.
 */
function startProducerSpans(batch: ProducerBatch): Span[] {
  const spans: Span[] = [];
  for (const tm of batch.topicMessages ?? []) {
    for (const m of tm.messages) {
      if (m.headers?.traceparent === undefined) continue;
      const parent = extractContext(m.headers, kafkaHeaderGetter, ROOT_CONTEXT);
      const eventId = kafkaHeaderGetter.get(m.headers, "event-id");
      const span = startSpan(`send ${tm.topic}`, SpanKind.PRODUCER, {
        "messaging.system": "kafka",
        "messaging.operation.type": "send",
        "messaging.operation.name": "send",
        "messaging.destination.name": tm.topic,
        ...(typeof m.key === "string" ? { "messaging.kafka.message.key": m.key } : {}),
        ...(eventId ? { "messaging.message.id": eventId } : {}),
      }, parent);
      if (!span) continue;
      m.headers ??= {};
      delete m.headers.traceparent;
      delete m.headers.tracestate;
      injectContext(trace.setSpan(parent, span), m.headers, headerSetter);
      spans.push(span);
    }
  }
  return spans;
}

function endProducerSpans(spans: Span[] | undefined, e: unknown): void {
  if (!spans) return;
  for (const s of spans) {
    if (e !== undefined) recordFailure(s, e);
    s.end();
  }
}
