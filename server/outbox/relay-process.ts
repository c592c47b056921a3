import { Kafka, logLevel as kafkaLogLevel } from "kafkajs";
import { bootLogLevel, ConfigError, loadConfig, loadDotenvFile } from "../config/config.js";
import { createSequelize } from "../db/sequelize.js";
import { Metrics } from "../ops/metrics.js";
import { createLogger, type Logger } from "../shared/logger.js";
import type { RelayOptions } from "./outbox-relay.js";
import { createRelay } from "./relay.factory.js";
import { exitGracefullyOnSignal } from "../shared/graceful-exit.js";
import { startTracing, stopTracing } from "../tracing/tracing.js";

/**
 * The outbox relay as a process of its own (`npm run relay`, see relay-main.ts). `overrides` lets a
 * test-only entry widen the race window (test/outbox/support/slow-relay-main.ts); production passes none.
 */
export async function runRelayProcess(overrides: (logger: Logger) => Partial<RelayOptions> = () => ({})): Promise<void> {
  loadDotenvFile();
  const logger = createLogger(bootLogLevel()).child({ process: "outbox-relay" });
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      logger.fatal(e.message);
      process.exit(78);
    }
    throw e;
  }
  // With OTEL_EXPORTER_OTLP_ENDPOINT set, each sent event is a producer span in the trace stored with its row.
  await startTracing(config.tracing, logger);
  const db = createSequelize(config.databaseUrl, [], 4);
  const kafka = new Kafka({
    clientId: "concert-outbox-relay",
    brokers: config.kafkaBrokers,
    logLevel: kafkaLogLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
  });
  const opts = { ...config.events.relay, ...overrides(logger) };
  const { relay } = createRelay({ db, kafka, config, logger, metrics: new Metrics() }, opts);
  relay.start();
  logger.info({ brokers: config.kafkaBrokers, topicPrefix: config.kafkaTopicPrefix, batchSize: opts.batchSize ?? "default" }, "outbox relay started");

  exitGracefullyOnSignal(logger, () => relay.stop().then(() => db.close()).then(() => stopTracing(config.tracing)), {
    stopping: "outbox relay stopping: finishing the current batch",
    stopped: "outbox relay stopped",
    failed: "outbox relay shutdown failed",
  });
}
