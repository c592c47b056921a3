import { Kafka, logLevel as kafkaLogLevel } from "kafkajs";
import { ConfigError, loadConfig, loadDotenvFile } from "../config/config.js";
import { createSequelize } from "../db/sequelize.js";
import { Metrics } from "../ops/metrics.js";
import { createLogger } from "../shared/logger.js";
import { eventsOptionsFromEnv } from "../config/events.config.js";
import { createRelay } from "./relay.factory.js";
import { exitGracefullyOnSignal } from "../shared/graceful-exit.js";

/**
 * `npm run relay`: the outbox relay alone, e.g. when the API servers run with RUN_WORKERS=false, or as
 * a second relay beside them (SKIP LOCKED keeps them from sending the same rows). SIGTERM/SIGINT
 * finish the round in progress, then close the pools.
 */
loadDotenvFile();
const logger = createLogger().child({ process: "outbox-relay" });
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
const db = createSequelize(config.databaseUrl, [], 4);
const kafka = new Kafka({
  clientId: "concert-outbox-relay",
  brokers: config.kafkaBrokers,
  logLevel: kafkaLogLevel.NOTHING,
  connectionTimeout: 3_000,
  requestTimeout: 10_000,
});
const opts = eventsOptionsFromEnv(config.kafkaTopicPrefix).relay;
// Test only: hold each batch between Kafka's ack and MySQL's commit, so a test can SIGKILL us there.
const pause = Number(process.env.OUTBOX_RELAY_TEST_AFTER_SEND_DELAY_MS ?? 0);
if (pause > 0) {
  opts.afterSendDelayMs = pause;
  opts.onSent = (rows) => logger.info({ ids: rows.map((r) => r.id), eventIds: rows.map((r) => r.eventId) }, "batch acked by kafka, not yet marked sent");
}
const { relay } = createRelay({ db, kafka, config, logger, metrics: new Metrics() }, opts);
relay.start();
logger.info({ brokers: config.kafkaBrokers, topicPrefix: config.kafkaTopicPrefix, batchSize: opts.batchSize ?? "default" }, "outbox relay started");

exitGracefullyOnSignal(logger, () => relay.stop().then(() => db.close()), {
  stopping: "outbox relay stopping: finishing the current batch",
  stopped: "outbox relay stopped",
  failed: "outbox relay shutdown failed",
});
