import type { Infra, ModuleParts } from "../app/module.js";
import { createSalesModule } from "../sales/sales.module.js";
import type { SalesProjectionConsumer } from "../sales/sales-projection.consumer.js";
import { eventsOptionsFromEnv, type EventsOptions } from "../config/events.config.js";
import { createRelay } from "./relay.factory.js";
import type { OutboxRelay } from "./outbox-relay.js";
import { SequelizeOutboxWriter, type OutboxWriter } from "./outbox-writer.js";

/**
 * Transactional outbox (the writer booking uses), its relay to Kafka and the sales projection (issue 5).
 * Relay and projection consumer are workers: they run in the server unless RUN_WORKERS=false; the
 * relay also runs alone with `npm run relay`.
 */
export function createEventsModule(
  infra: Infra,
  overrides: Partial<EventsOptions> = {},
): ModuleParts & { outbox: OutboxWriter; relay: OutboxRelay; sales: SalesProjectionConsumer } {
  const opts = { ...eventsOptionsFromEnv(infra.config.kafkaTopicPrefix), ...overrides };
  const { relay } = createRelay(infra, opts.relay);
  // A commit in this process wakes the relay at once; without it an event waits for the next poll.
  const outbox = new SequelizeOutboxWriter(infra.db, () => relay.wake());
  const sales = createSalesModule(infra, { groupId: opts.salesGroupId });
  return {
    outbox,
    relay,
    sales: sales.consumer,
    admin: sales.admin,
    // Stopped in reverse: the consumer first, then the relay finishes its round.
    workers: [relay, ...(sales.workers ?? [])],
  };
}
