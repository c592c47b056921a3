import type { Redis } from "ioredis";
import type { Infra, ModuleParts } from "../app/module.js";
import type { ActiveSessions } from "./active-sessions.js";
import { QueueActiveSessions } from "./active-sessions.end-entry.js";
import { AdmissionWorker } from "./admission.worker.js";
import { AdmitFans } from "./admit-fans.js";
import { RedisConcertInfoCache } from "../concert/concert-info.cache.redis.js";
import { CachedConcertLookup } from "./concert-lookup.cached.js";
import { SequelizeConcertLookup } from "./concert-lookup.sequelize.js";
import type { ReservationConcerts } from "./concert-lookup.js";
import { PollHint } from "./poll-hint.js";
import type { TicketPolicy } from "./queue-ticket.js";
import { EndEntry } from "./end-entry.js";
import { GetQueueStats } from "./get-queue-stats.js";
import { GetQueueStatus } from "./get-queue-status.js";
import { IssueToken } from "./issue-token.js";
import { ListQueue } from "./list-queue.js";
import { createQueueAdminHandler } from "./queue-admin.handler.js";
import { KafkaQueueEventPublisher } from "./queue-events.publisher.kafka.js";
import { registerQueueMetrics } from "./queue-metrics.js";
import { QueueTokenSigner } from "./queue-token.js";
import { createQueueTokenInterceptor } from "./queue-token.interceptor.js";
import { QueueWatchHub } from "./queue-watch.hub.js";
import { createQueueHandler } from "./queue.handler.js";
import { RedisQueueStore, type RedisQueueStoreOptions } from "./queue.store.redis.js";
import type { QueueStore } from "./queue.store.js";
import { RemoveFromQueue } from "./remove-from-queue.js";
import { SetQueuePolicy } from "./set-queue-policy.js";
import { effectiveMaxActive, isAutoMode } from "./queue-policy.repository.js";
import { SequelizeQueuePolicyRepository } from "./queue-policy.repository.sequelize.js";
import { WatcherQuota } from "./watcher-quota.js";
import type { SalesOpenings } from "../concert/sales-openings.js";
import { QueueSalesOpenings } from "./sales-openings.queue.js";
import { GetDraw } from "./get-draw.js";
import { PaceAdmission } from "./pace-admission.js";
import type { SeatInventory } from "./seat-inventory.js";
import { createDrawHandler } from "./draw.handler.js";

export interface QueueModuleOptions {
  /** Builds the store; tests substitute a subclass (test/support/unsafe-admission.queue-store.ts). */
  store?: (redis: Redis, opts: RedisQueueStoreOptions) => QueueStore;
}

/** The waiting room (issue 3): QueueService, the queue-token check and the operators' queue RPCs. */
export interface QueueModuleDeps {
  /** The seats module's free/held/sold per concert (its side of the port). */
  inventory: SeatInventory;
}

export function createQueueModule(infra: Infra, opts: QueueModuleOptions = {}, deps: QueueModuleDeps): ModuleParts & { sessions: ActiveSessions; openings: SalesOpenings; reservationConcerts: ReservationConcerts } {
  const { config, logger } = infra;
  const policies = new SequelizeQueuePolicyRepository(infra.db);
  const concertRows = new SequelizeConcertLookup(infra.db);
  const storeOptions: RedisQueueStoreOptions = {
    // The policy's durable copy (SPEC 7.2): read only when Redis lost it, never on a fan's RPC.
    policies: async (concertId) => {
      const p = await policies.find(concertId);
      return p && { maxActive: effectiveMaxActive(p), auto: isAutoMode(p) };
    },
    // The opening's durable copy: read when Redis has none (once per concert, not per fan).
    openings: (concertId) => concertRows.openingOf(concertId),
    activeTtlSeconds: config.queueActiveTtlSeconds,
    defaultMaxActive: config.queueMaxActive,
  };
  const store = (opts.store ?? ((redis, o) => new RedisQueueStore(redis, o)))(infra.redis, storeOptions);
  const signer = new QueueTokenSigner(config.queueTokenSecret);
  const lookup = new CachedConcertLookup(concertRows, new RedisConcertInfoCache(infra.redis));
  const policy: TicketPolicy = {
    rateWindowMs: store.rateWindowMs,
    activeTtlSeconds: config.queueActiveTtlSeconds,
    poll: new PollHint({ budgetPerSecond: config.queuePollBudgetPerSecond, rateLimitPerSecond: config.rateLimitPerSecond }),
  };
  const events = new KafkaQueueEventPublisher(infra.kafka, logger, { topicPrefix: config.kafkaTopicPrefix });
  const admit = new AdmitFans(store, events);
  const pace = new PaceAdmission(store, deps.inventory, events, logger);
  admit.pace = pace;
  const endEntry = new EndEntry(store, events, admit, logger);
  const hub = new QueueWatchHub(store, policy, logger);
  registerQueueMetrics(infra.metrics, store);

  return {
    queue: createQueueHandler({
      issueToken: new IssueToken(store, lookup, signer, events, policy, pace),
      getQueueStatus: new GetQueueStatus(store, policy),
      endEntry,
      hub,
      watchers: new WatcherQuota(config.limits.queueMaxWatchersPerUser),
    }),
    admin: createQueueAdminHandler({
      getQueueStats: new GetQueueStats(store, lookup, deps.inventory),
      listQueue: new ListQueue(store, lookup),
      setQueuePolicy: new SetQueuePolicy(store, lookup, admit, logger, policies, pace),
      removeFromQueue: new RemoveFromQueue(lookup, endEntry),
    }),
    concert: createDrawHandler(new GetDraw(store, lookup)),
    interceptors: [createQueueTokenInterceptor(signer, store, lookup)],
    workers: [new AdmissionWorker(store, admit, pace, logger)],
    sessions: new QueueActiveSessions(endEntry),
    reservationConcerts: concertRows,
    openings: new QueueSalesOpenings(store),
    // Open WatchQueueStatus streams would otherwise hold the listener's graceful close for its whole grace period.
    drain: () => hub.close(),
    async close() {
      await events.close();
    },
  };
}
