import { Cluster, Redis } from "ioredis";
import type { Config } from "../config/config.js";
import type { Logger } from "../shared/logger.js";

/**
 * The one Redis client of a process: a single node (REDIS_URL), or Redis Cluster when
 * REDIS_CLUSTER_NODES is set (SPEC 7.4). Both answer the same commands, so the modules keep the
 * `Redis` type; what Cluster needs from them is that every script and MULTI stays in one slot, which
 * the hash tags in the key names give (queue-keys.ts, seat-keys.ts, concert-info.cache.redis.ts).
 */
export function createRedisClient(config: Pick<Config, "redisUrl" | "redisClusterNodes" | "redisKeyPrefix">): Redis {
  if (config.redisClusterNodes.length === 0) {
    return new Redis(config.redisUrl, {
      keyPrefix: config.redisKeyPrefix,
      lazyConnect: true,
      // Fail fast while Redis is down, so callers get UNAVAILABLE instead of a hung request.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      // No auto-pipelining: it saves socket writes, but every batch builds a Pipeline that copies each
      // defined script, which cost more CPU than the writes saved (docs/wave2/surge.md, purchase.md).
    });
  }
  // The prefix is glued in front of every key: a "{" in it would become the hash tag of every key and
  // put the whole data set into one slot (or, unbalanced, split a script's keys over several).
  if (/[{}]/.test(config.redisKeyPrefix)) {
    throw new Error(`REDIS_KEY_PREFIX must not contain { or } with Redis Cluster, got "${config.redisKeyPrefix}"`);
  }
  const cluster = new Cluster(parseNodes(config.redisClusterNodes), {
    keyPrefix: config.redisKeyPrefix,
    lazyConnect: true,
    enableOfflineQueue: false,
    scaleReads: "master",
    // While a primary fails over (cluster-node-timeout plus the election) commands are retried on
    // the new owner of the slot; what is still failing after that reaches the caller as UNAVAILABLE.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 100,
    maxRedirections: 16,
    slotsRefreshTimeout: 2_000,
    clusterRetryStrategy: (times) => Math.min(100 * times, 2_000),
    redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 2_000 },
  });
  return cluster as unknown as Redis;
}

export function isCluster(redis: Redis): boolean {
  return (redis as unknown as { isCluster?: boolean }).isCluster === true;
}

function parseNodes(nodes: string[]): Array<{ host: string; port: number }> {
  return nodes.map((n) => {
    const m = /^(.+):(\d+)$/.exec(n.trim());
    if (!m) throw new Error(`REDIS_CLUSTER_NODES entries must be host:port, got "${n}"`);
    return { host: m[1], port: Number(m[2]) };
  });
}

/**
 * One readiness check per Redis node (SPEC 7.4 /readyz names each): the cluster's state, then a
 * PING to every primary and replica it knows. A single node is checked as "redis".
 */
export async function pingRedisNodes(redis: Redis, timeoutMs = 1_500): Promise<Record<string, string | undefined>> {
  if (!isCluster(redis)) {
    try {
      await redis.ping();
      return { redis: undefined };
    } catch (e) {
      return { redis: e instanceof Error ? e.message : String(e) };
    }
  }
  const cluster = redis as unknown as Cluster;
  const out: Record<string, string | undefined> = {};
  const nodes = cluster.nodes("all");
  if (nodes.length === 0) out["redis-cluster"] = `no node reachable (status ${cluster.status})`;
  await Promise.all(
    nodes.map(async (node) => {
      const name = `redis:${node.options.host}:${node.options.port}`;
      try {
        // "wait": a node no command has needed yet connects on this PING; a lost one is named at once
        if (["reconnecting", "close", "end"].includes(node.status)) throw new Error(`connection ${node.status}`);
        await Promise.race([
          node.ping(),
          new Promise((_, reject) => setTimeout(() => reject(new Error(`no PONG within ${timeoutMs} ms`)), timeoutMs).unref()),
        ]);
        out[name] = undefined;
      } catch (e) {
        out[name] = e instanceof Error ? e.message : String(e);
      }
    }),
  );
  return out;
}
