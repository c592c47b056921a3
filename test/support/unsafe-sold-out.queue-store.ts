import type { Redis } from "ioredis";
import { concertQueueKeys } from "../../server/queue/queue-keys.js";
import { RedisQueueStore, type RedisQueueStoreOptions } from "../../server/queue/queue.store.redis.js";

/**
 * Test-only negative control (test/queue/sold-out.test.ts): ending the line as separate commands (empty
 * the line, pause, then raise the flag) instead of sold-out.lua, to show that the atomic script is what
 * leaves nobody WAITING in a line that will never move. Production never builds it.
 */
export class UnsafeSoldOutQueueStore extends RedisQueueStore {
  constructor(redis: Redis, opts: RedisQueueStoreOptions, private readonly gapMs: number) {
    super(redis, opts);
  }

  override async markSoldOut(concertId: number): Promise<number | undefined> {
    const k = concertQueueKeys(concertId);
    if (await this.redis.exists(k.soldOut)) return undefined;
    const n = await this.redis.zcard(k.waiting);
    await this.redis.del(k.waiting);
    await new Promise((r) => setTimeout(r, this.gapMs));
    await this.redis.multi().set(k.soldOut, "1").incr(k.version).exec();
    return n;
  }
}
