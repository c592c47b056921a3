import type { Infra, ModuleParts } from "../app/module.js";
import { SequelizeOutboxWriter, type OutboxWriter } from "./outbox-writer.js";

/** Transactional outbox, its relay to Kafka and the sales projection (issue 5). Only the writer exists yet. */
export function createEventsModule(infra: Infra): ModuleParts & { outbox: OutboxWriter } {
  return { outbox: new SequelizeOutboxWriter(infra.db) };
}
