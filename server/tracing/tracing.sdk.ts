import { context, propagation, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-node";
import { hostname } from "node:os";
import type { TracingConfig } from "../config/tracing.config.js";

/** Name and version of the instrumentation (the tracer), as backends show it. */
const INSTRUMENTATION = "concert-reservation";

/**
 * The SDK side, loaded only when tracing is on (see tracing.ts). Spans leave in batches as OTLP/HTTP JSON
 * to `${endpoint}/v1/traces`; W3C trace context (traceparent/tracestate) is the propagator; a caller's
 * sampled flag is kept, new traces are sampled at `sampleRatio`.
 */
export function startSdk(config: TracingConfig): { tracer: ReturnType<typeof trace.getTracer>; shutdown(): Promise<void> } {
  const exporter = new OTLPTraceExporter({ url: `${config.endpoint}/v1/traces` });
  const root = config.sampleRatio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(config.sampleRatio);
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({
        "service.name": config.serviceName,
        "service.instance.id": `${hostname()}-${process.pid}`,
        "process.pid": process.pid,
      }),
    ),
    sampler: new ParentBasedSampler({ root }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: config.exportDelayMs, maxQueueSize: 8192, maxExportBatchSize: 512 })],
  });
  provider.register();
  return {
    tracer: trace.getTracer(INSTRUMENTATION),
    async shutdown() {
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
}
