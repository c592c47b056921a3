import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
} from "@opentelemetry/api";
import type { TracingConfig } from "../config/tracing.config.js";
import type { Logger } from "../shared/logger.js";

/**
 * OpenTelemetry traces for the whole process (issue 15 item 5). Only the API (@opentelemetry/api, which
 * prom-client loads anyway) is imported here; the SDK and the OTLP exporter are imported by
 * startTracing() only when OTEL_EXPORTER_OTLP_ENDPOINT is set. Every instrumented adapter first asks
 * `tracingOn()`, one read of a module variable, and takes its untraced path when it is false.
 *
 * Instrumentation is manual, around our own adapters: the RPC interceptor (server span), the
 * TransactionRunner and prepared statements (MySQL), Lua scripts and pipelines (Redis), the one Kafka
 * producer (producer spans, trace context in the message headers), the outbox (the traceparent stored
 * with the row) and the sales projection consumer (consumer span). MySQL, Redis and Kafka spans are only
 * ever children: a background loop with no active span (relay polling, admission ticks) records nothing.
 */

interface Running {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

let running: Running | undefined;
let starting: Promise<Running> | undefined;
let users = 0;

/** True when spans are recorded: checked first by every instrumented path. */
export const tracingOn = (): boolean => running !== undefined;

/**
 * Turns tracing on for this process when the config has an endpoint (each node:cluster worker and the
 * relay process call it for themselves). Several apps in one process (tests) share one provider.
 */
export async function startTracing(config: TracingConfig, logger: Logger): Promise<void> {
  if (!config.endpoint) return;
  users++;
  starting ??= import("./tracing.sdk.js").then((sdk) => sdk.startSdk(config));
  running = await starting;
  logger.info({ endpoint: config.endpoint, serviceName: config.serviceName, sampleRatio: config.sampleRatio }, "OpenTelemetry traces on");
}

/** Exports the spans still buffered and turns tracing off once the last user stops (SIGTERM path). */
export async function stopTracing(config: TracingConfig): Promise<void> {
  if (!config.endpoint || users === 0) return;
  if (--users > 0) return;
  const r = running;
  running = undefined;
  starting = undefined;
  await r?.shutdown();
}

const ERROR_TEXT_MAX = 300;

/** Marks a span failed with the error's class and a bounded message. */
export function recordFailure(span: Span, e: unknown): void {
  const err = e as { name?: string; message?: string } | undefined;
  const message = String(err?.message ?? e).slice(0, ERROR_TEXT_MAX);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.setAttribute("error.type", err?.name ?? "Error");
}

/**
 * Runs `fn` in a child span of the active span. Without an active span (a background loop) it runs
 * `fn` alone: spans are only recorded inside a trace something else started. Callers check
 * `tracingOn()` first so the untraced path allocates nothing.
 */
export function inChildSpan<T>(name: string, kind: SpanKind, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  const tracer = running?.tracer;
  const parent = context.active();
  if (tracer === undefined || trace.getSpan(parent) === undefined) return fn();
  const span = tracer.startSpan(name, { kind, attributes }, parent);
  let result: Promise<T>;
  try {
    result = context.with(trace.setSpan(parent, span), fn);
  } catch (e) {
    recordFailure(span, e);
    span.end();
    throw e;
  }
  return result.then(
    (v) => {
      span.end();
      return v;
    },
    (e) => {
      recordFailure(span, e);
      span.end();
      throw e;
    },
  );
}

/** Starts a span with an explicit parent context (server and consumer spans); undefined when tracing is off. */
export function startSpan(name: string, kind: SpanKind, attributes: Attributes, parent: Context): Span | undefined {
  return running?.tracer.startSpan(name, { kind, attributes }, parent);
}

/** W3C trace context of a context as header values (traceparent, tracestate). */
export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

const recordSetter: TextMapSetter<TraceHeaders> = {
  set: (carrier, key, value) => {
    if (key === "traceparent" || key === "tracestate") carrier[key] = value;
  },
};

/** The traceparent/tracestate of the active span (e.g. to store with an outbox row); undefined without one. */
export function activeTraceHeaders(ctx: Context = context.active()): TraceHeaders | undefined {
  if (running === undefined || trace.getSpan(ctx) === undefined) return undefined;
  const out: TraceHeaders = {};
  propagation.inject(ctx, out, recordSetter);
  return out.traceparent ? out : undefined;
}

/** Context from header-like carriers (HTTP headers, Kafka headers, stored columns). */
export function extractContext<C>(carrier: C, getter: TextMapGetter<C>, base: Context = context.active()): Context {
  return propagation.extract(base, carrier, getter);
}

export function injectContext<C>(ctx: Context, carrier: C, setter: TextMapSetter<C>): void {
  propagation.inject(ctx, carrier, setter);
}

export { context, trace, SpanKind, SpanStatusCode };
export type { Attributes, Context, Span };
