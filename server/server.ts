import type { AddressInfo } from "node:net";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import { Kafka, logLevel as kafkaLogLevel } from "kafkajs";
import { AdminService } from "../gen/concert/v1/admin_pb.js";
import { ConcertService } from "../gen/concert/v1/concert_pb.js";
import { PaymentService } from "../gen/concert/v1/payment_pb.js";
import { QueueService } from "../gen/concert/v1/queue_pb.js";
import { ReservationService } from "../gen/concert/v1/reservation_pb.js";
import type { Config } from "./config/config.js";
import { createSequelize } from "./db/sequelize.js";
import { traceSequelizeQueries } from "./db/db-tracing.js";
import { createLogger, type Logger } from "./shared/logger.js";
import { Metrics } from "./ops/metrics.js";
import { createRedisClient } from "./redis/redis-client.js";
import { createPolyglotListener } from "./http/listener.js";
import { applyCors } from "./http/cors.js";
import { assemble } from "./rpc/assemble.js";
import { createLeanStream } from "./rpc/lean-stream.js";
import { createErrorInterceptor } from "./rpc/interceptors/error.interceptor.js";
import { createMetricsInterceptor } from "./rpc/interceptors/metrics.interceptor.js";
import { createDeadlineInterceptor } from "./rpc/interceptors/deadline.interceptor.js";
import { createAuthInterceptor } from "./rpc/interceptors/auth.interceptor.js";
import { createValidationInterceptor } from "./rpc/interceptors/validation.interceptor.js";
import { createRateLimitInterceptor } from "./rpc/interceptors/rate-limit.interceptor.js";
import { createTracingInterceptor } from "./rpc/interceptors/tracing.interceptor.js";
import { startTracing, stopTracing } from "./tracing/tracing.js";
import { JwtVerifier } from "./identity/jwt-verifier.js";
import type { Infra, ModuleParts } from "./app/module.js";
import { createConcertModule } from "./concert/concert.module.js";
import { createQueueModule, type QueueModuleOptions } from "./queue/queue.module.js";
import { createSeatsModule } from "./seats/seats.module.js";
import { createReservationModule } from "./reservation/reservation.module.js";
import { createPaymentModule } from "./payment/payment.module.js";
import { createOutboxModule } from "./outbox/outbox.module.js";
import { createSalesModule } from "./sales/sales.module.js";
import { createOpsModule, type OpsModuleOptions } from "./ops/ops.module.js";

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
  traceSequelizeQueries(db); // only when tracing is on
  const redis = createRedisClient(config);
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

export interface BuildOptions {
  logger?: Logger;
  /** Adapter substitutions for tests (negative controls); production passes none. */
  queue?: QueueModuleOptions;
  ops?: OpsModuleOptions;
  /**
   * Test-only negative control: `false` sends WatchQueueStatus through Connect-Node's own streaming
   * pipeline again instead of the lean path (server/rpc/lean-stream.ts).
   */
  leanStreams?: boolean;
}

/**
 * Builds the whole server: adapters, modules, interceptors and the one-port listener.
 * Tests call it with their own config and listen on port 0.
 */
export async function build(config: Config, opts: BuildOptions = {}): Promise<App> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  // Before any adapter exists: with OTEL_EXPORTER_OTLP_ENDPOINT set this loads the SDK (each cluster worker for itself).
  await startTracing(config.tracing, logger);
  const metrics = new Metrics({ defaultMetrics: true });
  const { infra, redisConnecting } = createInfra(config, logger, metrics);
  // Give Redis a moment so the first requests do not fail while it connects; a Redis that is down does not block start-up.
  await Promise.race([redisConnecting, new Promise((r) => setTimeout(r, 2_000).unref())]);

  const outbox = createOutboxModule(infra);
  const seats = createSeatsModule(infra);
  const queue = createQueueModule(infra, opts.queue, { inventory: seats.inventory });
  const reservation = createReservationModule(infra, {
    outbox: outbox.writer,
    gate: seats.gate,
    // Pay's token check then finds the new reservation's concert without a MySQL read.
    onHeld: (r) => queue.reservationConcerts.remember(r.id, r.concertId),
  });
  const payment = createPaymentModule(infra, { outbox: outbox.writer, gate: seats.gate, sessions: queue.sessions, reservations: reservation.payable });
  const concert = createConcertModule(infra, seats, queue.openings);
  const sales = createSalesModule(infra);
  const ops = createOpsModule(infra, EXPOSED_SERVICES, opts.ops);
  // Order matters for interceptors (payment's replay check and reservation's token waiver wrap queue's
  // token check, which asks them) and for workers (started in order, stopped in reverse: the sales
  // consumer first, then the relay).
  const modules: ModuleParts[] = [concert, payment, reservation, queue, outbox, sales, seats];

  const rateLimit = createRateLimitInterceptor({ perSecond: config.rateLimitPerSecond, burst: config.rateLimitBurst });
  const interceptors: Interceptor[] = [
    // Only in the chain when tracing is on: off, an RPC pays nothing for it.
    ...(config.tracing.endpoint ? [createTracingInterceptor()] : []),
    createErrorInterceptor(logger),
    createMetricsInterceptor(metrics),
    createDeadlineInterceptor(config.requestTimeoutMs),
    createAuthInterceptor(new JwtVerifier(config.authJwtSecret)),
    rateLimit,
    createValidationInterceptor(),
    ...modules.flatMap((m) => m.interceptors ?? []),
  ];

  const queueImpl = assemble(QueueService, ...modules.map((m) => m.queue));
  const routes = (router: ConnectRouter) => {
    router.service(QueueService, queueImpl);
    router.service(ConcertService, assemble(ConcertService, ...modules.map((m) => m.concert)));
    router.service(ReservationService, assemble(ReservationService, ...modules.map((m) => m.reservation)));
    router.service(PaymentService, assemble(PaymentService, ...modules.map((m) => m.payment)));
    router.service(AdminService, assemble(AdminService, ...modules.map((m) => m.admin)));
    ops.routes(router);
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

  // WatchQueueStatus over HTTP/2 (gRPC, Connect streaming) skips Connect-Node's per-stream pipeline:
  // same interceptors and handler, a fraction of the memory per open stream (docs/wave2/watchers.md).
  const leanWatch = opts.leanStreams === false ? undefined : createLeanStream({
    method: QueueService.method.watchQueueStatus,
    impl: (req, ctx) => queueImpl.watchQueueStatus(req, ctx),
    interceptors,
    readMaxBytes: config.readMaxBytes,
  });

  const listener = createPolyglotListener((req, res) => {
    if (applyCors(config.corsOrigins, req, res)) return;
    if (ops.handleHttp(req, res)) return;
    rpc(req, res);
  }, { limits: config.limits, bodyTimeoutMs: config.requestTimeoutMs, onH2Stream: leanWatch });

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
      // Last, so the spans of the drained requests and of the stopping workers are exported too.
      await stopTracing(config.tracing).catch((err) => logger.warn({ err: String(err) }, "exporting the last spans failed"));
    },
  };
}
