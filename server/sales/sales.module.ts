import type { Infra, ModuleParts } from "../app/module.js";
import { GetSalesStats } from "./get-sales-stats.js";
import { createSalesAdminHandler } from "./sales-admin.handler.js";
import { SalesProjectionConsumer } from "./sales-projection.consumer.js";
import { SequelizeSalesProjectionStore } from "./sales-projection.store.js";
import { replicaReads } from "../db/read-routing.js";

/** The sales projection: a Kafka consumer keeping counts in MySQL, and GetSalesStats reading them. */
export function createSalesModule(infra: Infra): ModuleParts & { consumer: SalesProjectionConsumer } {
  const store = new SequelizeSalesProjectionStore(infra.db);
  const consumer = new SalesProjectionConsumer(
    infra.kafka,
    store,
    infra.logger,
    { groupId: infra.config.events.salesGroupId, topicPrefix: infra.config.kafkaTopicPrefix },
    infra.metrics.registry,
  );
  return { admin: createSalesAdminHandler(new GetSalesStats(replicaReads(infra.db, store, ["salesOf"]))), workers: [consumer], consumer };
}
