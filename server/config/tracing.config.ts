// A cycle with config.ts, harmless: ConfigError is only used when a value is read, after both loaded.
import { ConfigError } from "./config.js";

type Env = Record<string, string | undefined>;

/**
 * OpenTelemetry traces (issue 15 item 5). Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: then the SDK is
 * loaded (server/tracing/tracing.sdk.ts) and spans go to `${endpoint}/v1/traces` as OTLP/HTTP JSON.
 *   OTEL_EXPORTER_OTLP_ENDPOINT  collector base URL, e.g. http://127.0.0.1:4318 (Jaeger, an OTel collector)
 *   OTEL_SERVICE_NAME            service.name of the spans (default concert-reservation)
 *   OTEL_TRACES_SAMPLER_ARG      share of new traces kept, 0..1 (default 1); a caller's sampled flag wins
 *   OTEL_BSP_SCHEDULE_DELAY      ms between exports (default 5000); shutdown exports what is left
 */
export interface TracingConfig {
  /** undefined: tracing off (no SDK loaded, no spans). */
  endpoint: string | undefined;
  serviceName: string;
  sampleRatio: number;
  exportDelayMs: number;
}

export function tracingConfigFromEnv(env: Env): TracingConfig {
  const raw = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  let endpoint: string | undefined;
  if (raw) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigError(`OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL such as http://127.0.0.1:4318, got "${raw}"`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new ConfigError(`OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL such as http://127.0.0.1:4318 (OTLP/HTTP), got "${raw}"`);
    }
    endpoint = raw.replace(/\/+$/, "");
  }
  const ratioRaw = env.OTEL_TRACES_SAMPLER_ARG;
  const sampleRatio = ratioRaw === undefined || ratioRaw === "" ? 1 : Number(ratioRaw);
  if (!Number.isFinite(sampleRatio) || sampleRatio < 0 || sampleRatio > 1) {
    throw new ConfigError(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1 (the share of traces kept), got "${ratioRaw}"`);
  }
  const delayRaw = env.OTEL_BSP_SCHEDULE_DELAY;
  const exportDelayMs = delayRaw === undefined || delayRaw === "" ? 5_000 : Number(delayRaw);
  if (!Number.isInteger(exportDelayMs) || exportDelayMs < 1 || exportDelayMs > 3_600_000) {
    throw new ConfigError(`OTEL_BSP_SCHEDULE_DELAY must be a whole number of milliseconds from 1 to 3600000, got "${delayRaw}"`);
  }
  return { endpoint, serviceName: env.OTEL_SERVICE_NAME?.trim() || "concert-reservation", sampleRatio, exportDelayMs };
}
