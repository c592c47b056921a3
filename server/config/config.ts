import { availableParallelism } from "node:os";
import { config as loadDotenv } from "dotenv";
import { eventsOptionsFromEnv, type EventsOptions } from "./events.config.js";
import { productionProblems } from "./production-checks.js";
import { tracingConfigFromEnv, type TracingConfig } from "./tracing.config.js";

export type AppEnv = "local" | "development" | "production";

export interface Config {
  appEnv: AppEnv;
  port: number;
  host: string;
  databaseUrl: string;
  databaseReadUrls: string[];
  redisUrl: string;
  /** REDIS_CLUSTER_NODES (`host:port,…`, SPEC 7.4): when set, Redis Cluster through these seed nodes instead of redisUrl. */
  redisClusterNodes: string[];
  /** Prefix for every Redis key; lets test runs share one Redis without seeing each other. */
  redisKeyPrefix: string;
  kafkaBrokers: string[];
  /** Prefix for topic names; empty in normal use, set by tests to isolate runs on one broker. */
  kafkaTopicPrefix: string;
  authJwtSecret: string;
  queueTokenSecret: string;
  holdTtlSeconds: number;
  /** LATE_PAY_GRACE_SECONDS (SPEC 7.3): how long after held_until a Pay may still re-take and buy the seats. */
  latePayGraceSeconds: number;
  queueActiveTtlSeconds: number;
  queueMaxActive: number;
  /** Polls per second a concert's whole line may cost when every fan follows next_poll_after_ms. */
  queuePollBudgetPerSecond: number;
  corsOrigins: string[];
  logLevel: string;
  /** Largest request body accepted, in bytes. */
  readMaxBytes: number;
  /** Server-side deadline for unary RPCs, in milliseconds. */
  requestTimeoutMs: number;
  /** Sustained calls per second per user and RPC (0: no limit), and the burst allowed on top. */
  rateLimitPerSecond: number;
  rateLimitBurst: number;
  /** Background workers (admission loop, hold sweeper, outbox relay) run in this process. */
  runWorkers: boolean;
  /** Server processes sharing the port through node:cluster (WORKERS; default: the number of cores). */
  workers: number;
  /** Outbox relay and sales projection tunables (events.config.ts). */
  events: EventsOptions;
  /** Background seat drift check (SEAT_DRIFT_CHECK_SECONDS, 0 = off; SEAT_DRIFT_CHECK_SCHEDULES per tick). */
  seatDrift: { checkSeconds: number; schedulesPerTick: number };
  /** Limits against hostile traffic (SPEC 7.2), enforced by the listener and the queue watch hub. */
  limits: ConnectionLimits & { queueMaxWatchersPerUser: number };
  /** OpenTelemetry traces (tracing.config.ts): off unless OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  tracing: TracingConfig;
}

/** SPEC 7.2 connection limits (server/http/connection-limits.ts applies them). */
export interface ConnectionLimits {
  /** Concurrent HTTP/2 streams per connection (SETTINGS_MAX_CONCURRENT_STREAMS). */
  h2MaxConcurrentStreams: number;
  /** Time to send complete request headers or the whole HTTP/2 preface; then the connection is closed. */
  headersTimeoutMs: number;
  /** A connection with no request in flight and no open stream for this long is closed (GOAWAY on HTTP/2). */
  idleTimeoutMs: number;
  /** Stream resets per connection in any 10 s window before GOAWAY and close (rapid reset). */
  h2MaxResetsPer10s: number;
}

export const DEV_AUTH_JWT_SECRET = "dev-only-auth-jwt-secret-change-me";
export const DEV_QUEUE_TOKEN_SECRET = "dev-only-queue-token-secret-change-me";

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function list(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Reads the configuration from the environment (SPEC section 1). Production refuses to start
 * with a missing secret or a dev default and names every one that is wrong.
 */
export function loadConfig(env: Env = process.env): Config {
  const appEnv = (env.APP_ENV ?? "local") as AppEnv;
  if (!["local", "development", "production"].includes(appEnv)) {
    throw new ConfigError(`APP_ENV must be local, development or production, got "${appEnv}"`);
  }
  const prod = appEnv === "production";
  const problems: string[] = [];
  const secret = (name: string, dev: string): string => {
    const value = env[name];
    if (prod) {
      if (!value) problems.push(`${name} is required in production`);
      else if (value === dev) problems.push(`${name} is the dev default; set a real secret in production`);
    }
    return value || dev;
  };
  const authJwtSecret = secret("AUTH_JWT_SECRET", DEV_AUTH_JWT_SECRET);
  const queueTokenSecret = secret("QUEUE_TOKEN_SECRET", DEV_QUEUE_TOKEN_SECRET);
  if (prod) problems.push(...productionProblems(env, [DEV_AUTH_JWT_SECRET, DEV_QUEUE_TOKEN_SECRET]));
  if (problems.length > 0) {
    throw new ConfigError(`refusing to start: ${problems.join("; ")}`);
  }
  const cors = env.CORS_ORIGINS;
  const kafkaTopicPrefix = env.KAFKA_TOPIC_PREFIX ?? "";
  return {
    appEnv,
    port: int(env, "PORT", 8080, 0, 65535),
    host: env.HOST ?? "0.0.0.0",
    databaseUrl: env.DATABASE_URL || "mysql://root@127.0.0.1:3306/concert",
    databaseReadUrls: list(env.DATABASE_READ_URLS),
    redisUrl: env.REDIS_URL || "redis://127.0.0.1:6379",
    redisClusterNodes: list(env.REDIS_CLUSTER_NODES),
    redisKeyPrefix: env.REDIS_KEY_PREFIX ?? "",
    kafkaBrokers: list(env.KAFKA_BROKERS ?? "127.0.0.1:9092"),
    kafkaTopicPrefix,
    authJwtSecret,
    queueTokenSecret,
    holdTtlSeconds: int(env, "HOLD_TTL_SECONDS", 300, 1, 86_400),
    latePayGraceSeconds: int(env, "LATE_PAY_GRACE_SECONDS", 60, 0, 86_400),
    queueActiveTtlSeconds: int(env, "QUEUE_ACTIVE_TTL_SECONDS", 1800, 1, 86_400),
    queueMaxActive: int(env, "QUEUE_MAX_ACTIVE", 100, 0, 100_000),
    queuePollBudgetPerSecond: int(env, "QUEUE_POLL_BUDGET_PER_SECOND", 2000, 1, 10_000_000),
    corsOrigins: cors === undefined ? (prod ? [] : ["*"]) : list(cors),
    logLevel: env.LOG_LEVEL ?? (prod ? "info" : "info"),
    readMaxBytes: int(env, "READ_MAX_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024),
    requestTimeoutMs: int(env, "REQUEST_TIMEOUT_MS", 10_000, 100, 600_000),
    rateLimitPerSecond: int(env, "RATE_LIMIT_PER_SECOND", 50, 0, 1_000_000),
    rateLimitBurst: int(env, "RATE_LIMIT_BURST", 100, 1, 1_000_000),
    runWorkers: (env.RUN_WORKERS ?? "true") !== "false",
    workers: int(env, "WORKERS", availableParallelism(), 1, 64),
    events: eventsOptionsFromEnv(kafkaTopicPrefix, env),
    seatDrift: {
      checkSeconds: int(env, "SEAT_DRIFT_CHECK_SECONDS", 60, 0, 86_400),
      schedulesPerTick: int(env, "SEAT_DRIFT_CHECK_SCHEDULES", 20, 1, 10_000),
    },
    limits: {
      h2MaxConcurrentStreams: int(env, "H2_MAX_CONCURRENT_STREAMS", 100, 1, 1_000_000),
      queueMaxWatchersPerUser: int(env, "QUEUE_MAX_WATCHERS_PER_USER", 2, 1, 1_000_000),
      headersTimeoutMs: int(env, "HEADERS_TIMEOUT_MS", 10_000, 10, 3_600_000),
      idleTimeoutMs: int(env, "IDLE_TIMEOUT_MS", 60_000, 10, 3_600_000),
      h2MaxResetsPer10s: int(env, "H2_MAX_RESETS_PER_10S", 200, 1, 10_000_000),
    },
    tracing: tracingConfigFromEnv(env),
  };
}

/** The log level before the configuration is read (start-up messages, configuration errors). */
export function bootLogLevel(env: Env = process.env): string {
  return env.LOG_LEVEL ?? "info";
}

/** Loads `.env` (if present) into process.env, never overriding what the environment already says. */
export function loadDotenvFile(): void {
  loadDotenv({ quiet: true } as Parameters<typeof loadDotenv>[0]);
}
