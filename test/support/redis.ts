import { Redis, type Cluster } from "ioredis";
import { createRedisClient, isCluster } from "../../server/redis/redis-client.js";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const clusterNodes = () => (process.env.REDIS_CLUSTER_NODES ?? "").split(",").filter((n) => n.trim() !== "");

/** A client with the test's key prefix: the single Redis, or the cluster in `npm run test:scaled`. */
export function testRedis(keyPrefix: string): Redis {
  const r = createRedisClient({ redisUrl: REDIS_URL, redisClusterNodes: clusterNodes(), redisKeyPrefix: keyPrefix });
  // the server's client fails fast while disconnected; a test helper may wait for its first connect
  (r.options as { enableOfflineQueue?: boolean }).enableOfflineQueue = true;
  return r;
}

/** Deletes every key starting with prefix ("Redis flushed" for one test, nobody else's keys), on every primary. */
export async function deleteKeysWithPrefix(prefix: string): Promise<void> {
  const raw = testRedis("");
  try {
    if (isCluster(raw)) await raw.connect(); // the node list is known only once connected
    const nodes: Redis[] = isCluster(raw) ? (raw as unknown as Cluster).nodes("master") : [raw];
    for (const node of nodes) {
      let cursor = "0";
      do {
        const [next, keys] = await node.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
        // one DEL per key: on a cluster the keys of one SCAN page live in many slots
        if (keys.length > 0) await Promise.all(keys.map((k) => node.del(k)));
        cursor = next;
      } while (cursor !== "0");
    }
  } finally {
    raw.disconnect();
  }
}
