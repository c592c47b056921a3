import { Kafka, logLevel } from "kafkajs";
import type { Sequelize } from "sequelize";
import type { Config } from "../../../server/config/config.js";
import { createSequelize } from "../../../server/db/sequelize.js";
import { Metrics } from "../../../server/ops/metrics.js";
import { SequelizeOutboxWriter } from "../../../server/outbox/outbox-writer.js";
import type { FailureIsolation, RelayOptions } from "../../../server/outbox/outbox-relay.js";
import type { ClaimMode } from "../../../server/outbox/outbox-relay.store.js";
import { createRelay } from "../../../server/outbox/relay.factory.js";
import { createLogger } from "../../../server/shared/logger.js";
import { createTestDatabase } from "../../support/database.js";
import { testConfig } from "../../support/env.js";
import { BookingSimulator } from "./booking-simulator.js";

/** A fresh database, a topic prefix and the pieces to build relays on them, without a server. */
export async function relayHarness(opts: { brokers?: string[] } = {}) {
  const database = await createTestDatabase();
  const config: Config = testConfig({ databaseUrl: database.url, ...(opts.brokers ? { kafkaBrokers: opts.brokers } : {}) });
  const db: Sequelize = createSequelize(config.databaseUrl);
  const kafka = new Kafka({ clientId: "test-relay", brokers: config.kafkaBrokers, logLevel: logLevel.NOTHING, connectionTimeout: 3_000, requestTimeout: 10_000 });
  const logger = createLogger("silent");
  const writer = new SequelizeOutboxWriter(db);
  const relays: Array<{ stop(): Promise<void> }> = [];
  return {
    config,
    db,
    kafka,
    writer,
    sim: new BookingSimulator(db, writer),
    topics: ["reservation-events", "payment-events"].map((t) => config.kafkaTopicPrefix + t),
    /** A relay with its own metrics registry (several relays share one process in these tests). */
    relay(o: Partial<RelayOptions> & { claimMode?: ClaimMode; isolation?: FailureIsolation } = {}) {
      const metrics = new Metrics();
      const { relay, store } = createRelay({ db, kafka, config, logger, metrics }, { pollIntervalMs: 50, backoffMinMs: 100, backoffMaxMs: 1_000, ...o });
      relays.push(relay);
      return { relay, store, metrics };
    },
    /** Stops every relay made so far (after each test: a failed test must not leave one sending the next test's rows). */
    async stopRelays() {
      for (const r of relays.splice(0)) await r.stop().catch(() => {});
    },
    async close() {
      for (const r of relays) await r.stop().catch(() => {});
      await db.close();
      await database.drop();
    },
  };
}
