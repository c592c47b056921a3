import type { Infra, ModuleParts } from "../app/module.js";
import { createRelay } from "./relay.factory.js";
import type { OutboxRelay } from "./outbox-relay.js";
import { SequelizeOutboxWriter, type OutboxWriter } from "./outbox-writer.js";

/**
 * Transactional outbox: the writer reservation and payment append to, and its relay to Kafka (issue 5).
 * The relay is a worker: it runs in the server unless RUN_WORKERS=false, and also alone with `npm run relay`.
 */
export function createOutboxModule(infra: Infra): ModuleParts & { writer: OutboxWriter; relay: OutboxRelay } {
  const { relay } = createRelay(infra, infra.config.events.relay);
  // A commit in this process wakes the relay at once; without it an event waits for the next poll.
  const writer = new SequelizeOutboxWriter(infra.db, () => relay.wake());
  return { writer, relay, workers: [relay] };
}
