import type { RelayOptions } from "../outbox/outbox-relay.js";

type Env = Record<string, string | undefined>;

/**
 * Tunables of the relay and the sales projection, from the environment (Config.events); every one
 * has a working default.
 *   SALES_PROJECTION_GROUP_ID   consumer group (default `${KAFKA_TOPIC_PREFIX}concert-sales-projection`)
 *   OUTBOX_RELAY_BATCH_SIZE     rows per round (default 500)
 *   OUTBOX_RELAY_POLL_MS        idle poll interval (default 200)
 *   OUTBOX_RETENTION_SECONDS    how long sent rows are kept (default 86400)
 *   OUTBOX_MAX_ATTEMPTS         refusals before an event is dead (default 20, SPEC 7.4)
 */
export interface EventsOptions {
  salesGroupId: string;
  relay: Partial<RelayOptions>;
}

function positive(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return n;
}

export function eventsOptionsFromEnv(topicPrefix: string, env: Env = process.env): EventsOptions {
  const relay: Partial<RelayOptions> = {};
  const batchSize = positive(env, "OUTBOX_RELAY_BATCH_SIZE");
  const poll = positive(env, "OUTBOX_RELAY_POLL_MS");
  const retention = positive(env, "OUTBOX_RETENTION_SECONDS");
  if (batchSize) relay.batchSize = batchSize;
  if (poll) relay.pollIntervalMs = poll;
  if (retention) relay.retentionSeconds = retention;
  const maxAttempts = positive(env, "OUTBOX_MAX_ATTEMPTS");
  if (maxAttempts) relay.maxAttempts = maxAttempts;
  return { salesGroupId: env.SALES_PROJECTION_GROUP_ID || `${topicPrefix}concert-sales-projection`, relay };
}
