import type { Redis } from "ioredis";
import { activeKey, concertQueueKeys } from "../../server/queue/queue-keys.js";
import type { AdmitResult } from "../../server/queue/queue.store.js";
import { RedisQueueStore, type RedisQueueStoreOptions } from "../../server/queue/queue.store.redis.js";

const num = (v: unknown) => Number(v);

/**
 * Test-only negative control (test/queue/multi-process.test.ts): admission as a read, a pause and a
 * separate write instead of one Lua script, to show that the atomic script is what keeps
 * ACTIVE <= max_active across processes. Production never builds it.
 */
export class UnsafeAdmissionQueueStore extends RedisQueueStore {
  constructor(redis: Redis, opts: RedisQueueStoreOptions, private readonly gapMs: number) {
    super(redis, opts);
  }

  /** The race the Lua script prevents: count, pause, then pop and activate as separate commands. */
  override async admit(concertId: number): Promise<AdmitResult> {
    const gapMs = this.gapMs;
    const k = concertQueueKeys(concertId);
    const [max, active] = await Promise.all([this.redis.get(k.maxActive), this.redis.zcount(k.activeExpiry, Date.now(), "+inf")]);
    const free = Number(max ?? this.opts.defaultMaxActive) - active;
    await new Promise((r) => setTimeout(r, gapMs));
    const admitted = [];
    if (free > 0) {
      const head = await this.redis.zpopmin(k.waiting, free);
      const expiresAtMs = Date.now() + this.ttlMs;
      for (let i = 0; i < head.length; i += 2) {
        const userId = num(head[i]);
        await this.redis.multi()
          .set(activeKey(k, userId), head[i + 1], "PXAT", expiresAtMs)
          .zadd(k.activeExpiry, expiresAtMs, userId)
          .incr(k.version)
          .exec();
        admitted.push({ userId, entryId: num(head[i + 1]), expiresAtMs });
      }
    }
    return { expired: [], admitted, waiting: await this.redis.zcard(k.waiting), active: active + admitted.length };
  }
}
