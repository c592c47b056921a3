import type { AddressInfo } from "node:net";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import { Redis } from "ioredis";
import { Kafka, logLevel as kafkaLogLevel } from "kafkajs";
import { AdminService } from "../gen/concert/v1/admin_pb.js";
import { ConcertService } from "../gen/concert/v1/concert_pb.js";
import { PaymentService } from "../gen/concert/v1/payment_pb.js";
import { QueueService } from "../gen/concert/v1/queue_pb.js";
import { ReservationService } from "../gen/concert/v1/reservation_pb.js";
import { Health } from "../gen/grpc/health/v1/health_pb.js";
import { ServerReflection as ReflectionV1 } from "../gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ReflectionV1alpha } from "../gen/grpc/reflection/v1alpha/reflection_pb.js";
import type { Config } from "./config/config.js";
import { createSequelize } from "./db/sequelize.js";
import { createLogger, type Logger } from "./shared/logger.js";
import { Metrics } from "./ops/metrics.js";
import { metricsSource } from "./ops/cluster-metrics.js";
import { checkReadiness, type DependencyCheck } from "./ops/readiness.js";
import { createHealthHandler } from "./ops/health.handler.js";
import { createReflectionHandlers } from "./ops/reflection.handler.js";
import { createPolyglotListener } from "./http/listener.js";
import { applyCors } from "./http/cors.js";
import { assemble } from "./rpc/assemble.js";
import { createErrorInterceptor } from "./rpc/interceptors/error.interceptor.js";
import { createMetricsInterceptor } from "./rpc/interceptors/metrics.interceptor.js";
import { createDeadlineInterceptor } from "./rpc/interceptors/deadline.interceptor.js";
import { createAuthInterceptor } from "./rpc/interceptors/auth.interceptor.js";
import { createValidationInterceptor } from "./rpc/interceptors/validation.interceptor.js";
import { createRateLimitInterceptor } from "./rpc/interceptors/rate-limit.interceptor.js";
import { JwtVerifier } from "./identity/jwt-verifier.js";
import { SequelizeUserDirectory } from "./identity/user-directory.sequelize.js";
import type { Infra, ModuleParts } from "./app/module.js";
import { createCatalogueModule } from "./concert/catalogue.module.js";
import { createQueueModule } from "./queue/queue.module.js";
import { createBookingModule } from "./reservation/booking.module.js";
import { createEventsModule } from "./outbox/events.module.js";
import { createPayReplayCheck } from "./payment/pay-replay.check.js";
import { SequelizeIdempotencyStore } from "./payment/idempotency.store.sequelize.js";

export const EXPOSED_SERVICES = [QueueService, ConcertService, ReservationService, PaymentService, AdminService];

export interface App {
  infra: Infra;
  /** Starts listening (port 0 picks a free one) and the background workers. */
  listen(port?: number, host?: string): Promise<{ port: number; url: string }>;
  /** Graceful shutdown: stop accepting, drain, stop workers, close pools. */
  close(): Promise<void>;
}

function createInfra(config: Config, logger: Logger, metrics: Metrics): { infra: Infra; redisConnecting: Promise<void> } {
  const db = createSequelize(config.databaseUrl, config.databaseReadUrls);
  const redis = new Redis(config.redisUrl, {
    keyPrefix: config.redisKeyPrefix,
    lazyConnect: true,
    // Fail fast while Redis is down, so callers get UNAVAILABLE instead of a hung request.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
  });
  redis.on("error", (err) => logger.warn({ err: err.message }, "redis error"));
  const redisConnecting = redis.connect().catch((err) => logger.warn({ err: err.message }, "redis not reachable yet; retrying"));
  const kafka = new Kafka({
    clientId: "concert-server",
    brokers: config.kafkaBrokers,
    logLevel: kafkaLogLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
  });
  return { infra: { config, logger, db, redis, kafka, metrics }, redisConnecting };
}

function dependencyChecks(infra: Infra): DependencyCheck[] {
  return [
    { name: "mysql", check: async () => void (await infra.db.query("SELECT 1")) },
    { name: "redis", check: async () => void (await infra.redis.ping()) },
    {
      name: "kafka",
      check: async () => {
        const admin = infra.kafka.admin({ retry: { retries: 0 } });
        try {
          await admin.connect();
          await admin.describeCluster();
        } finally {
          await admin.disconnect().catch(() => {});
        }
      },
    },
  ];
}

/**
 * Builds the whole server: adapters, modules, interceptors and the one-port listener.
 * Tests call it with their own config and listen on port 0.
 */
export async function build(config: Config, opts: { logger?: Logger } = {}): Promise<App> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const metrics = new Metrics({ defaultMetrics: true });
  const { infra, redisConnecting } = createInfra(config, logger, metrics);
  // Give Redis a moment so the first requests do not fail while it connects; a Redis that is down does not block start-up.
  await Promise.race([redisConnecting, new Promise((r) => setTimeout(r, 2_000).unref())]);

  const events = createEventsModule(infra);
  const queue = createQueueModule(infra, { replay: createPayReplayCheck(new SequelizeIdempotencyStore(infra.db)) });
  const booking = createBookingModule(infra, { sessions: queue.sessions, outbox: events.outbox });
  const catalogue = createCatalogueModule(infra, (concertId) => booking.onCatalogueChange(concertId));
  // Order matters only for interceptors (queue's token check runs before booking's) and shutdown (reverse).
  const modules: ModuleParts[] = [catalogue, queue, booking, events];

  const checks = dependencyChecks(infra);
  // Health probes arrive often; one dependency check a second is enough for them (/readyz always checks afresh).
  // While a check runs, probes get the last answer instead of queueing behind it: the Kafka check opens a
  // connection, and under load every probe waited on it (README, Performance). Only the first probe waits.
  let lastReady: boolean | undefined;
  let checkedAt = 0;
  let checking: Promise<boolean> | undefined;
  const isReady = (): Promise<boolean> => {
    if (!checking && Date.now() - checkedAt > 1_000) {
      checking = checkReadiness(checks)
        .then((r) => (lastReady = r.ready))
        .finally(() => {
          checkedAt = Date.now();
          checking = undefined;
        });
    }
    return lastReady === undefined ? checking! : Promise.resolve(lastReady);
  };
  const reflection = createReflectionHandlers([...EXPOSED_SERVICES, Health]);

  const rateLimit = createRateLimitInterceptor({ perSecond: config.rateLimitPerSecond, burst: config.rateLimitBurst });
  const interceptors: Interceptor[] = [
    createErrorInterceptor(logger),
    createMetricsInterceptor(metrics),
    createDeadlineInterceptor(config.requestTimeoutMs),
    createAuthInterceptor(new JwtVerifier(config.authJwtSecret), new SequelizeUserDirectory(infra.db)),
    rateLimit,
    createValidationInterceptor(),
    ...modules.flatMap((m) => m.interceptors ?? []),
  ];

  const routes = (router: ConnectRouter) => {
    router.service(QueueService, assemble(QueueService, ...modules.map((m) => m.queue)));
    router.service(ConcertService, assemble(ConcertService, ...modules.map((m) => m.concert)));
    router.service(ReservationService, assemble(ReservationService, ...modules.map((m) => m.reservation)));
    router.service(PaymentService, assemble(PaymentService, ...modules.map((m) => m.payment)));
    router.service(AdminService, assemble(AdminService, ...modules.map((m) => m.admin)));
    router.service(Health, createHealthHandler(EXPOSED_SERVICES.map((s) => s.typeName), isReady));
    router.service(ReflectionV1, reflection.v1);
    router.service(ReflectionV1alpha, reflection.v1alpha);
  };

  const rpc = connectNodeAdapter({
    routes,
    interceptors,
    readMaxBytes: config.readMaxBytes,
    fallback: (req, res) => {
      res.statusCode = 404;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ error: "not found", hint: "RPCs live at /<package>.<Service>/<Method>; see the README" }));
    },
  });

  // With node:cluster workers, the whole server's figures (ops/cluster-metrics.ts).
  const metricsAnswer = metricsSource(metrics.registry, { perWorkerUnsafeForTests: config.metricsPerWorkerUnsafeForTests });
  const listener = createPolyglotListener((req, res) => {
    if (applyCors(config.corsOrigins, req, res)) return;
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path === "/healthz") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ status: "ok" }));
      return;
    }
    if (req.method === "GET" && path === "/readyz") {
      void checkReadiness(checks).then((r) => {
        res.statusCode = r.ready ? 200 : 503;
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(r));
      });
      return;
    }
    if (req.method === "GET" && path === "/metrics") {
      void metricsAnswer().then(({ status, contentType, text }) => {
        res.statusCode = status;
        res.setHeader("content-type", contentType);
        res.end(text);
      });
      return;
    }
    rpc(req, res);
  });

  metrics.gauge(
    "db_pool_connections_in_use",
    "MySQL connections checked out of the pool",
    () => {
      const pool = (infra.db.connectionManager as unknown as { pool?: { using?: number } }).pool;
      return pool?.using ?? 0;
    },
    "sum", // each worker has its own pool
  );

  let workersStarted = false;
  const workers = modules.flatMap((m) => m.workers ?? []);

  return {
    infra,
    async listen(port = config.port, host = config.host) {
      await new Promise<void>((resolve, reject) => {
        listener.tcp.once("error", reject);
        listener.tcp.listen(port, host, () => resolve());
      });
      if (config.runWorkers) {
        for (const w of workers) await w.start();
        workersStarted = true;
      }
      const actual = (listener.tcp.address() as AddressInfo).port;
      logger.info({ port: actual, workers: workersStarted ? workers.map((w) => w.name) : [] }, "listening");
      return { port: actual, url: `http://127.0.0.1:${actual}` };
    },
    async close() {
      for (const m of modules) m.drain?.();
      rateLimit.stop();
      await listener.close();
      if (workersStarted) for (const w of [...workers].reverse()) await w.stop();
      for (const m of modules) await m.close?.();
      await infra.db.close();
      infra.redis.disconnect();
    },
  };
}
