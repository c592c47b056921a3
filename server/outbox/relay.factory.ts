import type { Infra } from "../app/module.js";
import { KafkaPublisher } from "./kafka-publisher.js";
import { OutboxRelay, type FailureIsolation, type RelayOptions } from "./outbox-relay.js";
import { RelayMetrics } from "./outbox-relay.metrics.js";
import { SequelizeRelayStore, type ClaimMode, type OutboxHealth } from "./outbox-relay.store.js";

/**
 * A relay wired to the infra's MySQL and Kafka, with its metrics on the infra's registry: outbox
 * backlog and age of the oldest unsent row and dead events (read from MySQL when scraped), send and failure counters.
 */
export function createRelay(
  infra: Pick<Infra, "db" | "kafka" | "config" | "logger" | "metrics">,
  opts: Partial<RelayOptions> & { claimMode?: ClaimMode; isolation?: FailureIsolation } = {},
): { relay: OutboxRelay; store: SequelizeRelayStore } {
  const { claimMode, isolation, ...relayOpts } = opts;
  const store = new SequelizeRelayStore(infra.db, claimMode);
  const metrics = new RelayMetrics(infra.metrics.registry);
  // Both gauges come from one query per scrape; a failed query (MySQL down) keeps the last values
  // rather than failing the whole /metrics page.
  let last: OutboxHealth = { unsent: 0, oldestAgeSeconds: 0, dead: 0, oldestDeadAgeSeconds: 0, blockedByDead: 0 };
  let pending: Promise<OutboxHealth> | undefined;
  const read = () =>
    (pending ??= store
      .backlog()
      .then((b) => (last = b), () => last)
      .finally(() => setTimeout(() => (pending = undefined), 0)));
  infra.metrics.gauge("outbox_backlog", "Outbox rows not yet sent to Kafka", async () => (await read()).unsent);
  infra.metrics.gauge("outbox_oldest_unsent_age_seconds", "Age of the oldest outbox row not yet sent to Kafka (0 when none)", async () => (await read()).oldestAgeSeconds);
  infra.metrics.gauge("outbox_dead_events", "Outbox events that failed OUTBOX_MAX_ATTEMPTS times and wait for the operator (concert-admin outbox list)", async () => (await read()).dead);
  infra.metrics.gauge("outbox_oldest_dead_age_seconds", "Seconds since the oldest dead outbox event went dead (0 when none)", async () => (await read()).oldestDeadAgeSeconds);
  infra.metrics.gauge("outbox_blocked_by_dead_events", "Unsent outbox events held back because an older event of their key is dead", async () => (await read()).blockedByDead);
  const publisher = new KafkaPublisher(infra.kafka, infra.config.kafkaTopicPrefix);
  return { relay: new OutboxRelay(store, publisher, metrics, infra.logger.child({ worker: "outbox-relay" }), relayOpts, isolation), store };
}
