import type { Infra, ModuleParts } from "../app/module.js";
import type { ActiveSessions } from "./active-sessions.js";
import { QueueActiveSessions } from "./active-sessions.redis.js";
import { AdmissionWorker } from "./admission.worker.js";
import { AdmitFans } from "./admit-fans.js";
import { SequelizeConcertLookup } from "./concert-lookup.sequelize.js";
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
import type { ReplayCheck } from "./replay-check.js";
import { QueueWatchHub } from "./queue-watch.hub.js";
import { createQueueHandler } from "./queue.handler.js";
import { RedisQueueStore } from "./queue.store.redis.js";
import { RemoveFromQueue } from "./remove-from-queue.js";
import { SetQueuePolicy } from "./set-queue-policy.js";
import { effectiveMaxActive } from "./queue-policy.repository.js";
import { SequelizeQueuePolicyRepository } from "./queue-policy.repository.sequelize.js";
import { WatcherQuota } from "./watcher-quota.js";

/**
 * Test-only negative control (see test/queue/multi-process.test.ts): admission as separate commands
 * with a pause, proving the Lua step is what keeps ACTIVE <= max_active. Ignored in production.
 */
const UNSAFE_ADMISSION_ENV = "QUEUE_UNSAFE_ADMISSION_GAP_MS_FOR_TESTS";

/** The waiting room (issue 3): QueueService, the queue-token check and the operators' queue RPCs. */
export function createQueueModule(infra: Infra, opts: { replay?: ReplayCheck } = {}): ModuleParts & { sessions: ActiveSessions } {
  const { config, logger } = infra;
  const unsafeGap = config.appEnv !== "production" ? process.env[UNSAFE_ADMISSION_ENV] : undefined;
  const policies = new SequelizeQueuePolicyRepository(infra.db);
  const store = new RedisQueueStore(infra.redis, {
    policies: async (concertId) => {
      const p = await policies.find(concertId);
      return p && effectiveMaxActive(p);
    },
    activeTtlSeconds: config.queueActiveTtlSeconds,
    defaultMaxActive: config.queueMaxActive,
    unsafeAdmissionGapMs: unsafeGap ? Number(unsafeGap) : undefined,
  });
  const signer = new QueueTokenSigner(config.queueTokenSecret);
  const lookup = new SequelizeConcertLookup(infra.db);
  const events = new KafkaQueueEventPublisher(infra.kafka, logger, { topicPrefix: config.kafkaTopicPrefix });
  const admit = new AdmitFans(store, events);
  const endEntry = new EndEntry(store, events, admit, logger);
  const hub = new QueueWatchHub(store, config.queueActiveTtlSeconds, logger);
  registerQueueMetrics(infra.metrics, store);

  return {
    queue: createQueueHandler({
      issueToken: new IssueToken(store, lookup, signer, events, admit, config.queueActiveTtlSeconds, logger),
      getQueueStatus: new GetQueueStatus(store, config.queueActiveTtlSeconds),
      endEntry,
      hub,
      watchers: new WatcherQuota(config.limits.queueMaxWatchersPerUser),
    }),
    admin: createQueueAdminHandler({
      getQueueStats: new GetQueueStats(store, lookup),
      listQueue: new ListQueue(store, lookup),
      setQueuePolicy: new SetQueuePolicy(store, lookup, admit, logger, policies),
      removeFromQueue: new RemoveFromQueue(lookup, endEntry),
    }),
    interceptors: [createQueueTokenInterceptor(signer, store, lookup, opts.replay)],
    workers: [new AdmissionWorker(store, admit, logger)],
    sessions: new QueueActiveSessions(endEntry),
    // Open WatchQueueStatus streams would otherwise hold the listener's graceful close for its whole grace period.
    drain: () => hub.close(),
    async close() {
      await events.close();
    },
  };
}
