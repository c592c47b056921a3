import type { Infra, ModuleParts } from "../app/module.js";
import { createRelay } from "./relay.factory.js";
import type { OutboxRelay } from "./outbox-relay.js";
import { SequelizeOutboxWriter, type OutboxWriter } from "./outbox-writer.js";
import { SequelizeDeadEventsRepository } from "./dead-events.repository.sequelize.js";
import { ListDeadEvents } from "./list-dead-events.js";
import { ReplayDeadEvents } from "./replay-dead-events.js";
import { SkipDeadEvents } from "./skip-dead-events.js";
import { createOutboxAdminHandler } from "./outbox-admin.handler.js";

/**
 * Transactional outbox: the writer reservation and payment append to, its relay to Kafka (issue 5), and
 * the operator's handling of dead events (SPEC 7.4: ListDeadEvents, ReplayDeadEvents, SkipDeadEvents).
 * The relay is a worker: it runs in the server unless RUN_WORKERS=false, and also alone with `npm run relay`.
 */
export function createOutboxModule(infra: Infra): ModuleParts & { writer: OutboxWriter; relay: OutboxRelay } {
  const { relay } = createRelay(infra, infra.config.events.relay);
  // A commit in this process wakes the relay at once; without it an event waits for the next poll.
  const writer = new SequelizeOutboxWriter(infra.db, () => relay.wake());
  const dead = new SequelizeDeadEventsRepository(infra.db);
  // Replayed events, and events that waited behind a skipped one, go at once rather than at the next poll.
  const wake = () => relay.wake();
  const admin = createOutboxAdminHandler(new ListDeadEvents(dead), new ReplayDeadEvents(dead, wake), new SkipDeadEvents(dead, wake));
  return { writer, relay, workers: [relay], admin };
}
